package io.easyrpc.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * The logback turbo filter behind {@link ExpectedLogs}, declared in
 * {@code logback-test.xml}: it denies the appenders every line that a running test
 * expects, after handing it to that test.
 */
public final class ExpectedLogsFilter extends TurboFilter {

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
			Throwable thrown) {
		if (format == null) {
			// an isEnabled() check: the line itself comes later
			return FilterReply.NEUTRAL;
		}
		return ExpectedLogs.capture(logger.getName(), level, format, params, thrown) ? FilterReply.DENY
				: FilterReply.NEUTRAL;
	}

}
