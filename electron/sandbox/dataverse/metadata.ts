import type { SbResponse } from '../http';
import { edmTypeOf } from './odata/edm';
import { entities } from './schema';

/**
 * A CSDL document for the sandbox's tables: enough for tools that read `$metadata` to learn entity
 * sets, keys, property types and lookups. The real document is far larger; its shape is the same.
 */


const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

let cached: string | null = null;

function build(): string {
  const types = entities.map((e) => {
    const props = Object.values(e.attributes).map((a) => {
      const name = a.type === 'lookup' || a.type === 'owner' ? `_${a.logicalName}_value` : a.logicalName;
      return `<Property Name="${escape(name)}" Type="${edmTypeOf(a)}"${a.type === 'string' || a.type === 'memo' ? ' Unicode="false"' : ''} />`;
    });
    const navs = Object.values(e.attributes)
      .filter((a) => a.navigation && a.targets?.[0])
      .map((a) => `<NavigationProperty Name="${escape(a.navigation ?? '')}" Type="mscrm.${escape(a.targets?.[0] === 'team' ? 'principal' : (a.targets?.[0] ?? ''))}" />`);
    const collections = e.collectionNavigations.map((c) => `<NavigationProperty Name="${escape(c.name)}" Type="Collection(mscrm.${escape(c.entity)})" />`);
    return `<EntityType Name="${e.logicalName}" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="${e.primaryId}" /></Key>${props.join('')}${navs.join('')}${collections.join('')}</EntityType>`;
  });
  const sets = entities.map((e) => `<EntitySet Name="${e.setName}" EntityType="Microsoft.Dynamics.CRM.${e.logicalName}" />`);
  return `<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="crmbaseentity" Abstract="true" /><EntityType Name="principal" BaseType="mscrm.crmbaseentity" Abstract="true" />${types.join('')}<ComplexType Name="WhoAmIResponse"><Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false" /><Property Name="UserId" Type="Edm.Guid" Nullable="false" /><Property Name="OrganizationId" Type="Edm.Guid" Nullable="false" /></ComplexType><Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false" /></Function><EntityContainer Name="System">${sets.join('')}<FunctionImport Name="WhoAmI" Function="mscrm.WhoAmI" /></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
}

export function metadataDocument(_serviceRoot: string): SbResponse {
  cached ??= build();
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: cached };
}
