package io.github.irls.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Parses {@code 90}, {@code 90s}, {@code 500ms}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT2M}). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(final String value) {
    final String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("pt")) {
        return positive(Duration.parse(v.toUpperCase(Locale.ROOT)), value);
      }
      if (v.endsWith("ms")) {
        return positive(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim())), value);
      }
      if (v.endsWith("s")) {
        return positive(Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim())), value);
      }
      if (v.endsWith("m")) {
        return positive(Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).trim())), value);
      }
      if (v.endsWith("h")) {
        return positive(Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1).trim())), value);
      }
      return positive(Duration.ofSeconds(Long.parseLong(v)), value);
    } catch (final NumberFormatException | java.time.format.DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration (e.g. 120s, 500ms, 2m, 1h)");
    }
  }

  private static Duration positive(final Duration d, final String value) {
    if (d.isNegative() || d.isZero()) {
      throw new CommandLine.TypeConversionException("'" + value + "' must be a positive duration");
    }
    return d;
  }
}
