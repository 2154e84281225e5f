/** A mistake on the command line or in a file that the CLI itself caught (errors.ts reports it). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
