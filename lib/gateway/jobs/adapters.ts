/** The task adapters by wire format (video and 3D providers). */
import type { WireFormat } from '../../catalog/types';
import { klingAdapter } from '../adapters/kling';
import { lumaAdapter } from '../adapters/luma';
import { meshyAdapter } from '../adapters/meshy';
import { runwayAdapter } from '../adapters/runway';
import { tripoAdapter } from '../adapters/tripo';
import { veoAdapter } from '../adapters/veo';
import type { TaskAdapter } from './task-types';

export const TASK_ADAPTERS: Partial<Record<WireFormat, TaskAdapter>> = {
  runway: runwayAdapter,
  luma: lumaAdapter,
  kling: klingAdapter,
  veo: veoAdapter,
  meshy: meshyAdapter,
  tripo: tripoAdapter,
};

export function taskAdapterFor(wire: WireFormat): TaskAdapter | null {
  return TASK_ADAPTERS[wire] ?? null;
}
