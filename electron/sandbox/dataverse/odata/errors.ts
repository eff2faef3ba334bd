/**
 * The one error type of the OData engine. Every refusal of bad input is an ODataError carrying the
 * platform's HTTP status, hex code and message; the caller wraps it as `{"error":{"code","message"}}`.
 *
 * Texts come from three places, kept apart here so a reviewer can tell them apart:
 *  - the reference (dataverse-web-api.md) and community captures of the real service;
 *  - OData.NET's resource strings, which Dataverse passes through verbatim for query parse errors;
 *  - invented by the sandbox (marked INVENTED), worded like the platform's.
 */

export class ODataError extends Error {
  override readonly name = 'ODataError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** The platform's error envelope. */
  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Code Dataverse returns for OData URI parse and bind failures. */
export const QUERY_ERROR_CODE = '0x80060888';
/** QueryBuilderNoAttribute: an attribute named in a condition does not exist. */
export const NO_ATTRIBUTE_CODE = '0x80041103';
/** InvalidArgument. */
export const INVALID_ARGUMENT_CODE = '0x80040203';

const bad = (message: string, code = QUERY_ERROR_CODE): ODataError => new ODataError(400, code, message);

export const entityTypeName = (logicalName: string): string => `Microsoft.Dynamics.CRM.${logicalName}`;

// ---- query string -------------------------------------------------------------------------------

/** $skip, $search, $format and any other `$` name we do not know (option names are case-sensitive). */
export const queryParameterNotSupported = (name: string): ODataError => bad(`The query parameter ${name} is not supported`);

/** INVENTED: $apply is a real platform feature the sandbox does not simulate. */
export const applyNotSupported = (): ODataError =>
  bad('The query parameter $apply is not supported by the Patchbay sandbox. Use $filter, $orderby and $count instead.');

export const optionSpecifiedTwice = (name: string): ODataError =>
  bad(`Query option '${name}' was specified more than once, but it must be specified at most once.`);

export const invalidTop = (value: string): ODataError =>
  bad(`Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`);

export const invalidCount = (value: string): ODataError => bad(`'${value}' is not a valid count option.`);

/** INVENTED: the platform's text for a tampered $skiptoken is not known. */
export const invalidSkipToken = (): ODataError => bad('The $skiptoken value is not a valid paging cookie.');

// ---- properties ---------------------------------------------------------------------------------

export const propertyNotFound = (property: string, typeLogicalName: string): ODataError =>
  bad(`Could not find a property named '${property}' on type '${entityTypeName(typeLogicalName)}'.`);

/** For a type name that is not an entity logical name (e.g. principal). */
export const propertyNotFoundOnType = (property: string, qualifiedType: string): ODataError =>
  bad(`Could not find a property named '${property}' on type '${qualifiedType}'.`);

/** INVENTED: the platform quietly returns every column here; the sandbox refuses, to catch client bugs. */
export const navigationInSelect = (navigation: string, lookupProperty: string | null, typeLogicalName: string): ODataError =>
  bad(
    `The navigation property '${navigation}' on type '${entityTypeName(typeLogicalName)}' cannot be used in $select.` +
      (lookupProperty ? ` Select '${lookupProperty}' or use $expand=${navigation} instead.` : ` Use $expand=${navigation} instead.`),
  );

export const notANavigationProperty = (property: string, typeLogicalName: string): ODataError =>
  bad(
    `Property '${property}' on type '${entityTypeName(typeLogicalName)}' is not a navigation property or complex property. Only navigation properties can be expanded.`,
  );

export const expandRefOnCollection = (): ODataError =>
  bad('Expand with $ref is only supported on lookup type navigation property.');

/** INVENTED: the lookup points at a table the sandbox does not simulate. */
export const expandTargetNotSimulated = (navigation: string, target: string): ODataError =>
  bad(`The navigation property '${navigation}' cannot be expanded in the Patchbay sandbox: table '${target}' is not simulated.`);

/** INVENTED: nested option the sandbox does not accept inside $expand. */
export const expandOptionNotSupported = (option: string, navigation: string): ODataError =>
  bad(`The query option ${option} is not supported inside $expand (navigation property '${navigation}').`);

// ---- expression syntax (OData.NET texts; positions are 0-based, as OData.NET reports them) -------

export const syntaxError = (position: number, text: string): ODataError => bad(`Syntax error at position ${position} in '${text}'.`);

export const invalidCharacter = (ch: string, position: number, text: string): ODataError =>
  bad(`Syntax error: character '${ch}' is not valid at position ${position} in '${text}'.`);

export const unterminatedStringLiteral = (position: number, text: string): ODataError =>
  bad(`There is an unterminated string literal at position ${position} in '${text}'.`);

export const unterminatedLiteral = (position: number, text: string): ODataError =>
  bad(`There is an unterminated literal at position ${position} in '${text}'.`);

export const digitExpected = (position: number, text: string): ODataError => bad(`Digit expected at position ${position} in '${text}'.`);

export const expressionExpected = (position: number, text: string): ODataError =>
  bad(`Expression expected at position ${position} in '${text}'.`);

export const closeParenOrOperatorExpected = (position: number, text: string): ODataError =>
  bad(`')' or operator expected at position ${position} in '${text}'.`);

export const closeParenOrCommaExpected = (position: number, text: string): ODataError =>
  bad(`')' or ',' expected at position ${position} in '${text}'.`);

export const openParenExpected = (position: number, text: string): ODataError => bad(`'(' expected at position ${position} in '${text}'.`);

export const unbalancedBracket = (): ODataError => bad('Found an unbalanced bracket expression.');

export const unrecognizedLiteral = (edmType: string, literal: string, position: number, text: string): ODataError =>
  bad(`Unrecognized '${edmType}' literal '${literal}' at '${position}' in '${text}'.`);

/** INVENTED: navigation paths (`a/b`) and lambda operators (`any`/`all`) are not simulated. */
export const pathNotSupported = (position: number, text: string): ODataError =>
  bad(`Navigation paths and lambda operators are not supported by the Patchbay sandbox (position ${position} in '${text}').`);

// ---- binding (OData.NET texts) ------------------------------------------------------------------

export const incompatibleBinaryOperands = (left: string, right: string, operatorKind: string): ODataError =>
  bad(
    `A binary operator with incompatible types was detected. Found operand types '${left}' and '${right}' for operator kind '${operatorKind}'.`,
  );

export const incompatibleUnaryOperand = (operand: string, operatorKind: string): ODataError =>
  bad(`A unary operator with an incompatible type was detected. Found operand type '${operand}' for operator kind '${operatorKind}'.`);

export const operandNotSingleValue = (operatorKind: string): ODataError =>
  bad(
    `The operand for a binary operator '${operatorKind}' is not a single value. Binary operators require both operands to be single values.`,
  );

export const filterNotBoolean = (): ODataError => bad('The $filter expression must evaluate to a single boolean value.');

export const orderByNotSingleValue = (): ODataError => bad('The $orderby expression must evaluate to a single value of primitive type.');

export const unknownFunction = (name: string): ODataError =>
  bad(
    `An unknown function with name '${name}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`,
  );

export const noFunctionSignature = (name: string, signatures: string): ODataError =>
  bad(`No function signature for the function with name '${name}' matches the specified arguments. The function signatures considered are: ${signatures}.`);

/** INVENTED: a Microsoft.Dynamics.CRM query function called without a parameter it needs. */
export const missingFunctionParameter = (fn: string, parameter: string): ODataError =>
  bad(`The function '${fn}' requires the parameter '${parameter}'.`);

/** INVENTED: a Microsoft.Dynamics.CRM range function given the wrong number of values. */
export const wrongValueCount = (fn: string, expected: number): ODataError =>
  bad(`The function '${fn}' requires exactly ${expected} values in PropertyValues.`, INVALID_ARGUMENT_CODE);

/** INVENTED: unary minus on anything but a number literal (arithmetic is not simulated). */
export const negateNotSupported = (): ODataError => bad('The unary operator Negate is not supported by the Patchbay sandbox.');

/** Dataverse's query-builder text for an unknown attribute (used for PropertyName in CRM functions). */
export const attributeNotFound = (entityLogicalName: string, attribute: string): ODataError =>
  bad(`'${entityLogicalName}' entity doesn't contain attribute with Name = '${attribute}' and NameMapping = 'Logical'.`, NO_ATTRIBUTE_CODE);

/** Dataverse's query-builder text for a condition value of the wrong type. */
export const conditionValueType = (entityLogicalName: string, attribute: string, expected: string, received: string): ODataError =>
  bad(
    `Condition for attribute '${entityLogicalName}.${attribute}': expected argument(s) of type '${expected}' but received '${received}'.`,
    INVALID_ARGUMENT_CODE,
  );

// ---- keys ---------------------------------------------------------------------------------------

/** What OData.NET answers for a key predicate it cannot convert (e.g. a non-GUID on a GUID key). */
export const keySyntaxError = (): ODataError => bad('Bad Request - Error in query syntax.');

/** OData.NET's text for an empty item in a $select or $expand list (`name,,`). */
export const invalidSelectTerm = (text: string): ODataError => bad(`Term '${text}' is not valid in a $select or $expand expression.`);
