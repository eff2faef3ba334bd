/**
 * Behaviours the platform documentation leaves UNCONFIRMED (reference notes), each a switch with a
 * default. The defaults are our best reading of the evidence; the README's sandbox section lists them.
 */
export interface SandboxSwitches {
  /**
   * Outer HTTP status when Dataverse wraps a Flow `Forbidden` error such as ConnectionAuthorizationFailed
   * (dataverse-web-api.md §4.4, open point 1). Default 400, as community captures of the wrapper show.
   */
  forbiddenWrapperStatus: 400 | 403;
  /**
   * When a child flow blocks its parent's activation (open point 2): `never-published` (default; the
   * error text says "has never been published") or `currently-off`.
   */
  childFlowBlocksWhen: 'never-published' | 'currently-off';
  /**
   * The seed's legacy behaviour: an application user (service principal) cannot turn flows on
   * (BapListServicePlansFailed / MissingUserDetails) nor set `connectionid`. `--legacy-spn` sets it.
   */
  legacySpn: boolean;
  /**
   * A flow whose embedded references are all the current-environment Dataverse connector activates
   * without those references being wired (the seed's note). Default true.
   */
  dataverseOnlyFlowsActivateUnwired: boolean;
  /**
   * Impersonating a disabled user (open point 5): the platform's text is unconfirmed; we answer 403
   * with code 0x80040225 (the UserNotEnabled code community clients map).
   */
  disabledImpersonationStatus: 400 | 403;
}

export const defaultSwitches: SandboxSwitches = {
  forbiddenWrapperStatus: 400,
  childFlowBlocksWhen: 'never-published',
  legacySpn: false,
  dataverseOnlyFlowsActivateUnwired: true,
  disabledImpersonationStatus: 403,
};
