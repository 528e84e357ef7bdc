/** The part of the `google.script.run` client API that the dialog and sidebar use. */
declare namespace google.script {
  interface Runner {
    withSuccessHandler<T>(handler: (value: T) => void): Runner;
    withFailureHandler(handler: (error: Error) => void): Runner;
    [serverFunction: string]: unknown;
  }
  const run: Runner;
  const host: { close(): void };
}
