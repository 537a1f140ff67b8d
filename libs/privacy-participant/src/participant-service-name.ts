/** Injection token: the name the participant reports as (`gateway`, `salla-connector`, …). */
export const PARTICIPANT_SERVICE_NAME = Symbol('PARTICIPANT_SERVICE_NAME');
