import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stacks/stateful-stack.js';
import { StatelessStack } from './stacks/stateless-stack.js';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the whole system; tests build it too, with their own App. */
export function buildApp(app: App): { stateful: StatefulStack; stateless: StatelessStack } {
  const context = (key: string) => app.node.tryGetContext(`huitou:${key}`) as string | undefined;
  const senderDomain = context('senderDomain') ?? 'example.com';
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stateful = new StatefulStack(app, 'HuitouData', {
    env,
    senderDomain,
    alarmEmail: context('alarmEmail') || undefined,
  });
  const stateless = new StatelessStack(app, 'HuitouApp', {
    env,
    stateful,
    projectRoot,
    senderDomain,
    senderEmail: context('senderEmail') ?? `care@${senderDomain}`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const app = new App();
  buildApp(app);
  app.synth();
}
