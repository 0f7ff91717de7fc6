package io.easyrpc.it;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps the leak that {@code LeakDetectionExtensionTests} makes on purpose off the
 * console; {@link LeakDetectionExtension} still collects its report.
 */
public final class IntentionalLeakFilter extends Filter<ILoggingEvent> {

	// A literal, not LeakDetectionExtension's constant: loading that class while logback
	// configures itself would ask logback for a logger too early.
	static final String SITE = "LeakDetectionExtension.leakOneBuffer";

	@Override
	public FilterReply decide(ILoggingEvent event) {
		String message = event.getFormattedMessage();
		return (message != null && message.contains(SITE)) ? FilterReply.DENY : FilterReply.NEUTRAL;
	}

}
