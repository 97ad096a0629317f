import type { PlantedFault } from '../../infra/local/faults.js';
import { control } from './api.js';

/** Makes the next matching DynamoDB request of one of the stack's functions fail, as a crash there would. */
export const plantFault = (fault: PlantedFault) => control('POST', '/faults', fault);

/** The faults that fired since the last clear. */
export const firedFaults = async () => (await control<{ fired: PlantedFault[] }>('GET', '/faults')).fired;

/** Takes away the faults not fired yet and forgets the fired ones. */
export const clearFaults = () => control('DELETE', '/faults');
