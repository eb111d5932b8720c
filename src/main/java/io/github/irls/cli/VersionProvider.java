package io.github.irls.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest, falling back to "dev" when run from classes. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    final String v = IrlsCommand.class.getPackage().getImplementationVersion();
    return new String[] {"irls-streams " + (v == null ? "dev" : v)};
  }
}
