import { blockingStdout, startServer } from './server';

blockingStdout();
startServer();
