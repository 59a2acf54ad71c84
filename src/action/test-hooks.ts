// Hooks for the end-to-end tests of crash safety; inert unless their variable is set.

/**
 * ECR_LOGIN_TEST_KILL_AFTER_WRITE=1: main SIGKILLs itself right after a credential is written, as a job
 * cancelled at the worst moment dies, so a test can prove post still finds and removes it.
 */
export function afterCredentialWrite(env: NodeJS.ProcessEnv): void {
  if (env.ECR_LOGIN_TEST_KILL_AFTER_WRITE === '1') process.kill(process.pid, 'SIGKILL');
}
