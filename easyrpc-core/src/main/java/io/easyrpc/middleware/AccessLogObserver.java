package io.easyrpc.middleware;

import java.util.concurrent.TimeUnit;

import io.easyrpc.RpcStatus;
import io.easyrpc.internal.logging.LogSafe;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per call served, at INFO, under the logger {@value #LOGGER_NAME}: the
 * method key, the peer, the status and the duration.
 */
public final class AccessLogObserver implements ServerCallObserver {

	/** The name of the access logger. */
	public static final String LOGGER_NAME = "easyrpc.access";

	private static final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);

	@Override
	public @Nullable CallObservation start(CallInfo call) {
		if (!logger.isInfoEnabled()) {
			return null;
		}
		long start = System.nanoTime();
		return new CallObservation() {

			@Override
			public Scope openScope() {
				return Scope.NONE;
			}

			@Override
			public void stop(RpcStatus status, @Nullable Throwable error) {
				long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
				logger.info("{} {} {} {}.{} ms{}", LogSafe.text(call.methodKey()), call.peer(), status, micros / 1000,
						String.format("%03d", micros % 1000), call.oneWay() ? " one-way" : "");
			}

		};
	}

}
