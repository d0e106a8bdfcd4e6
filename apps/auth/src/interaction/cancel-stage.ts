import { InteractionEntity, InteractionState } from '@idp/domain';
import { CancelDetails } from '../oidc/authorize/authorization.service';

/**
 * The step a user had reached, as clients see it in `cancel_stage`. A stable public list (README):
 * renaming an internal state must not change what partners already parse.
 */
const STAGES = {
  login: 'login',
  otp: 'otp',
  profile: 'profile',
  consent: 'consent',
  iin: 'iin',
  second_factor: 'second_factor',
  password_change: 'password_change',
} as const satisfies Record<Exclude<InteractionState, 'completed' | 'aborted'>, string>;

export type LiveState = keyof typeof STAGES;

export const isLive = (state: InteractionState): state is LiveState => state in STAGES;

export function cancelDetails(interaction: InteractionEntity, state: LiveState): CancelDetails {
  return { stage: STAGES[state], requestId: interaction.id, reason: interaction.lastError };
}
