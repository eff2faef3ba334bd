import { describe, expect, it } from 'vitest';
import { parseFlowRoute } from './routes';

describe('parseFlowRoute', () => {
  const env = 'Default-1e852b49-bf4b-4ba5-bcd4-a8c4706c8ed4';
  const flow = '3989cb59-ce1a-4a5c-bb78-257c5c39381d';

  it('reads maker and admin routes, the v2 admin list, and start/stop', () => {
    expect(parseFlowRoute(`/providers/Microsoft.ProcessSimple/environments/${env}/flows`)).toEqual({ scope: 'maker', environment: env, action: 'list', method: 'GET' });
    expect(parseFlowRoute(`/providers/Microsoft.ProcessSimple/environments/${env}/flows/${flow}`)).toEqual({ scope: 'maker', environment: env, action: 'get', flow, method: 'GET' });
    expect(parseFlowRoute(`/providers/Microsoft.ProcessSimple/scopes/admin/environments/${env}/flows/${flow}/start`)).toEqual({
      scope: 'admin',
      environment: env,
      action: 'start',
      flow,
      method: 'POST',
    });
    expect(parseFlowRoute(`/providers/Microsoft.ProcessSimple/scopes/admin/environments/${env}/v2/flows`)).toMatchObject({ scope: 'admin', action: 'list' });
    expect(parseFlowRoute(`/providers/Microsoft.ProcessSimple/environments/${env}/flows/${flow}/stop`)).toMatchObject({ action: 'stop', method: 'POST' });
  });

  it('matches fixed segments case-insensitively and decodes names', () => {
    expect(parseFlowRoute(`/providers/microsoft.processsimple/Scopes/Admin/Environments/${env}/Flows/${flow}/Start`)).toMatchObject({ scope: 'admin', action: 'start', flow });
    expect(parseFlowRoute(`/providers/Microsoft.ProcessSimple/environments/a%20b/flows/c%2Fd`)).toMatchObject({ environment: 'a b', flow: 'c/d' });
  });

  it('answers null for routes the sandbox does not serve', () => {
    for (const path of [
      `/providers/Microsoft.ProcessSimple/environments/${env}/v2/flows`,
      `/providers/Microsoft.ProcessSimple/environments/${env}/flows/${flow}/runs`,
      `/providers/Microsoft.ProcessSimple/environments/${env}`,
      `/providers/Microsoft.Flow/environments/${env}/flows`,
      `/providers/Microsoft.ProcessSimple/environments/%E0%A4%A/flows`,
      '/',
    ]) {
      expect(parseFlowRoute(path), path).toBeNull();
    }
  });
});
