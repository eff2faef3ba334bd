import type { CloudState } from '../model';
import { buildContoso } from './contoso';
import { buildScale, type ScaleParameters } from './scale';

export const scenarioNames = ['contoso', 'scale'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export function isScenarioName(name: string): name is ScenarioName {
  return (scenarioNames as readonly string[]).includes(name);
}

/** `previous`: the state a reset replaces; the same tenant keeps its keys (see `newScenario`). */
export function buildScenario(name: ScenarioName, seed: number, scale: Partial<ScaleParameters> = {}, previous?: CloudState): CloudState {
  return name === 'contoso' ? buildContoso(seed, previous) : buildScale(seed, scale, previous);
}
