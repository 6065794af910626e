export function main(argv: string[]): Promise<number> {
  console.log('kws-cli', argv.join(' '));
  return Promise.resolve(0);
}
