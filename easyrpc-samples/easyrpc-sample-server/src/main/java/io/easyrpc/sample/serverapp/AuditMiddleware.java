package io.easyrpc.sample.serverapp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.ServerInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * A custom middleware, picked up because it is a bean: it counts the calls of every
 * method and logs each reservation with the client that asked for it (the
 * {@code x-client-id} header, if the caller sent one) and its outcome.
 */
@Component
@Order(0)
public class AuditMiddleware implements RpcMiddleware {

	private static final Logger logger = LoggerFactory.getLogger(AuditMiddleware.class);

	private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

	@Override
	public Object invoke(ServerInvocation invocation, Chain chain) throws Throwable {
		this.calls.computeIfAbsent(invocation.methodKey(), (key) -> new LongAdder()).increment();
		if (!invocation.methodKey().equals("Inventory.reserve")) {
			return chain.proceed();
		}
		String client = invocation.headers().getOrDefault("x-client-id", "anonymous");
		try {
			Object reservation = chain.proceed();
			logger.info("Reservation for {} from {}: {}", invocation.arguments()[0], client, reservation);
			return reservation;
		}
		catch (RuntimeException ex) {
			logger.info("Reservation for {} from {} refused: {}", invocation.arguments()[0], client, ex.getMessage());
			throw ex;
		}
	}

	/**
	 * Return how many calls of a method arrived since the start.
	 * @param methodKey the method key, for example {@code Inventory.find}
	 * @return the number of calls
	 */
	public long callsOf(String methodKey) {
		LongAdder count = this.calls.get(methodKey);
		return (count != null) ? count.sum() : 0;
	}

}
