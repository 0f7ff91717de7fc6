package io.easyrpc.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/**
 * Reads durations such as {@code 500ms}, {@code 5s}, {@code 2m} or {@code PT5S}; a bare
 * number is seconds.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

	private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)?");

	@Override
	public Duration convert(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		if (text.startsWith("p")) {
			return Duration.parse(text.toUpperCase(Locale.ROOT));
		}
		Matcher matcher = SIMPLE.matcher(text);
		if (!matcher.matches()) {
			throw new CommandLine.TypeConversionException(
					"'" + value + "' is not a duration such as 500ms, 5s, 2m or PT5S");
		}
		long amount = Long.parseLong(matcher.group(1));
		String unit = (matcher.group(2) != null) ? matcher.group(2) : "s";
		return switch (unit) {
			case "ms" -> Duration.ofMillis(amount);
			case "m" -> Duration.ofMinutes(amount);
			case "h" -> Duration.ofHours(amount);
			default -> Duration.ofSeconds(amount);
		};
	}

}
