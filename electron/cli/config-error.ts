/** Configuration the CLI cannot work with (credentials, cloud, files): exit code 2 with its message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
