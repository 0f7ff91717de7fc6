package io.easyrpc.autoconfigure.observation;

import java.util.List;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

/**
 * A minimal W3C Trace Context propagator for tests: writes and reads the
 * {@code traceparent} header ({@code 00-<trace id>-<parent span id>-<flags>}). The test
 * class path has no tracing bridge (Brave or OpenTelemetry) that would bring a real one.
 * Trace ids of 64 bits, as {@code SimpleTracer} makes them, are padded to the 128 bits
 * the format requires and unpadded when read.
 */
final class W3cTraceparentPropagator implements Propagator {

	static final String TRACEPARENT = "traceparent";

	private static final String VERSION = "00";

	private static final String PADDING = "0000000000000000";

	private final Tracer tracer;

	W3cTraceparentPropagator(Tracer tracer) {
		this.tracer = tracer;
	}

	@Override
	public List<String> fields() {
		return List.of(TRACEPARENT);
	}

	@Override
	public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
		String traceId = (context.traceId().length() == 16) ? PADDING + context.traceId() : context.traceId();
		String flags = Boolean.FALSE.equals(context.sampled()) ? "00" : "01";
		setter.set(carrier, TRACEPARENT, VERSION + "-" + traceId + "-" + context.spanId() + "-" + flags);
	}

	@Override
	public <C> Span.Builder extract(C carrier, Getter<C> getter) {
		Span.Builder builder = this.tracer.spanBuilder();
		String value = getter.get(carrier, TRACEPARENT);
		if (value == null) {
			return builder;
		}
		String[] parts = value.split("-");
		if (parts.length != 4 || !VERSION.equals(parts[0]) || !isHex(parts[1], 32) || !isHex(parts[2], 16)
				|| !isHex(parts[3], 2)) {
			return builder;
		}
		String traceId = parts[1].startsWith(PADDING) ? parts[1].substring(PADDING.length()) : parts[1];
		boolean sampled = (Integer.parseInt(parts[3], 16) & 1) == 1;
		TraceContext parent = this.tracer.traceContextBuilder()
			.traceId(traceId)
			.spanId(parts[2])
			.sampled(sampled)
			.build();
		return builder.setParent(parent);
	}

	private static boolean isHex(String text, int length) {
		if (text.length() != length) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			if (Character.digit(text.charAt(i), 16) < 0) {
				return false;
			}
		}
		return true;
	}

}
