package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.easyrpc.client.RpcChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Warms the channels of the application's {@code @RpcClient} targets up when the context
 * starts ({@code easyrpc.client.warm-up.enabled=true}): every channel connects to its
 * instances and makes a few calls of the servers' reflection method
 * ({@link RpcChannel#warmUp(int, Duration)}), all channels at once, and start-up waits
 * for them at most {@code easyrpc.client.warm-up.timeout}. A target that cannot be
 * reached is logged and left to connect on demand; start-up never fails because of it.
 * <p>
 * Runs after the easyrpc server has started (a later phase), so that an application that
 * calls its own server finds it listening.
 */
public class RpcClientWarmUp implements SmartLifecycle {

	/** The phase: after the easyrpc server ({@link EasyRpcServerLifecycle#PHASE}). */
	public static final int PHASE = EasyRpcServerLifecycle.PHASE + 256;

	private static final Logger logger = LoggerFactory.getLogger(RpcClientWarmUp.class);

	private final RpcClientFactory factory;

	private final int calls;

	private final Duration timeout;

	private volatile boolean running;

	/**
	 * Create a warm-up of the factory's channels.
	 * @param factory the factory that owns the channels
	 * @param calls the reflection calls per channel after its connections are ready
	 * @param timeout how long start-up waits for all channels
	 */
	public RpcClientWarmUp(RpcClientFactory factory, int calls, Duration timeout) {
		this.factory = factory;
		this.calls = calls;
		this.timeout = timeout;
	}

	@Override
	public void start() {
		this.running = true;
		List<RpcClientFactory.Target> targets = this.factory.targets();
		if (targets.isEmpty()) {
			return;
		}
		long started = System.nanoTime();
		List<CompletableFuture<Void>> warmUps = new ArrayList<>();
		targets.forEach((target) -> warmUps.add(target.channel().warmUp(this.calls, this.timeout)));
		try {
			CompletableFuture.allOf(warmUps.toArray(CompletableFuture[]::new))
				.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// Reported per target below.
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		int ready = 0;
		for (int i = 0; i < targets.size(); i++) {
			CompletableFuture<Void> warmUp = warmUps.get(i);
			if (warmUp.isDone() && !warmUp.isCompletedExceptionally()) {
				ready++;
			}
			else {
				RpcClientFactory.Target target = targets.get(i);
				String reason = warmUp.isDone() ? failure(warmUp)
						: "not done within " + this.timeout.toMillis() + " ms";
				logger.warn("Warm-up of easyrpc target {} ({}) failed: {}; its calls will connect on demand",
						String.join(", ", target.names()), target.address(), reason);
			}
		}
		logger.info("Warmed up {} of {} easyrpc client channel(s) in {} ms", ready, targets.size(), millis);
	}

	private static String failure(CompletableFuture<Void> warmUp) {
		try {
			warmUp.join();
			return "no failure";
		}
		catch (CompletionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return String.valueOf(cause.getMessage());
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
