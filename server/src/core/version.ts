/** The version of ISMS Author written into JSON outputs (the CLI's and the server's deliverables); package.json's. */
export const VERSION = '0.1.0';
