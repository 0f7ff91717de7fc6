package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.easyrpc.RpcException;
import io.easyrpc.autoconfigure.EasyRpcClientProperties.VerifyOnStart;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.client.RpcClientControl;
import io.easyrpc.server.ServiceDescriptor;
import io.easyrpc.server.ServiceDescriptor.MethodDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * What the application's {@code @RpcClient} channels do when the context starts, after
 * the easyrpc server has started (a later phase, so that an application that calls its
 * own server finds it listening):
 * <ul>
 * <li>with {@code easyrpc.client.warm-up.enabled=true}, every channel connects to its
 * instances and makes a few calls of the servers' reflection method
 * ({@link RpcChannel#warmUp(int, Duration)}), all at once, and start-up waits for them at
 * most {@code easyrpc.client.warm-up.timeout}; a target that cannot be reached is logged
 * and left to connect on demand;</li>
 * <li>for every client whose target (or {@code easyrpc.client.verify-on-start}) asks for
 * it, the server's reflection is fetched and each method the client calls is looked up: a
 * method the server lacks, one whose parameter count differs, a server that cannot be
 * asked and a configured target no client was created for at start-up (a lazy one) are
 * logged ({@code warn}) or fail start-up with an {@link RpcClientVerificationException}
 * ({@code fail}).</li>
 * </ul>
 */
public class RpcClientStartup implements SmartLifecycle {

	/** The phase: after the easyrpc server ({@link EasyRpcServerLifecycle#PHASE}). */
	public static final int PHASE = EasyRpcServerLifecycle.PHASE + 256;

	private static final Logger logger = LoggerFactory.getLogger(RpcClientStartup.class);

	private final RpcClientFactory factory;

	private final EasyRpcClientProperties properties;

	private volatile boolean running;

	/**
	 * Create the start-up actions of the factory's clients.
	 * @param factory the factory that owns the clients and channels
	 * @param properties the client properties
	 */
	public RpcClientStartup(RpcClientFactory factory, EasyRpcClientProperties properties) {
		this.factory = factory;
		this.properties = properties;
	}

	@Override
	public void start() {
		this.running = true;
		if (this.properties.getWarmUp().isEnabled()) {
			warmUp(this.properties.getWarmUp().getCalls(), this.properties.getWarmUp().getTimeout());
		}
		verify();
	}

	private void warmUp(int calls, Duration timeout) {
		List<RpcClientFactory.Target> targets = this.factory.targets();
		if (targets.isEmpty()) {
			return;
		}
		long started = System.nanoTime();
		List<CompletableFuture<Void>> warmUps = new ArrayList<>();
		targets.forEach((target) -> warmUps.add(target.channel().warmUp(calls, timeout)));
		try {
			CompletableFuture.allOf(warmUps.toArray(CompletableFuture[]::new))
				.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
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
				String reason = warmUp.isDone() ? failure(warmUp) : "not done within " + timeout.toMillis() + " ms";
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

	private void verify() {
		List<RpcClientFactory.Client> clients = new ArrayList<>();
		for (RpcClientFactory.Client client : this.factory.clients()) {
			if (this.properties.verifyOnStart(client.targetName()) != VerifyOnStart.OFF) {
				clients.add(client);
			}
		}
		List<String> failures = new ArrayList<>();
		Set<String> created = new LinkedHashSet<>();
		this.factory.targets().forEach((target) -> created.addAll(target.names()));
		this.properties.getTargets().keySet().forEach((name) -> {
			VerifyOnStart mode = this.properties.verifyOnStart(name);
			if (mode != VerifyOnStart.OFF && !created.contains(name)) {
				report(mode, "easyrpc target " + name + " was not verified: no client of it was created at start-up"
						+ " (a lazy bean or an unused target)", failures);
			}
		});
		Map<RpcChannel, Object> described = new IdentityHashMap<>();
		for (RpcClientFactory.Client client : clients) {
			VerifyOnStart mode = this.properties.verifyOnStart(client.targetName());
			String name = name(client);
			Object services = described.computeIfAbsent(client.channel(), (channel) -> describe(channel));
			if (services instanceof RuntimeException ex) {
				report(mode,
						name + " could not be verified against " + client.channel().target() + ": " + ex.getMessage(),
						failures);
				continue;
			}
			@SuppressWarnings("unchecked")
			Map<String, MethodDescriptor> methods = (Map<String, MethodDescriptor>) services;
			List<String> problems = compare(RpcClientControl.of(client.proxy()).rpcMethods(), methods);
			if (problems.isEmpty()) {
				logger.debug("{} matches its server at {}", name, client.channel().target());
			}
			else {
				report(mode, name + " does not match its server at " + client.channel().target() + ": "
						+ String.join("; ", problems), failures);
			}
		}
		if (!failures.isEmpty()) {
			throw new RpcClientVerificationException(failures);
		}
	}

	private static String name(RpcClientFactory.Client client) {
		return "Client " + client.type().getName()
				+ (client.targetName().isEmpty() ? "" : " (easyrpc target " + client.targetName() + ")");
	}

	// The server's methods by key, or the RuntimeException that asking for them raised.
	private Object describe(RpcChannel channel) {
		Duration timeout = this.properties.getTimeout();
		try {
			Map<String, MethodDescriptor> methods = new LinkedHashMap<>();
			for (ServiceDescriptor service : this.factory.reflection(channel, timeout).describe()) {
				service.methods().forEach((method) -> methods.put(method.key(), method));
			}
			return methods;
		}
		catch (RpcException ex) {
			return new IllegalStateException(ex.getStatus() + " " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}

	private static List<String> compare(Map<String, Integer> calls, Map<String, MethodDescriptor> methods) {
		List<String> problems = new ArrayList<>();
		calls.keySet().stream().sorted().forEach((key) -> {
			MethodDescriptor method = methods.get(key);
			int sent = calls.get(key);
			if (method == null) {
				problems.add("the server has no method " + key);
			}
			else if (method.parameters().size() != sent) {
				problems.add(key + " takes " + method.parameters().size() + " parameter(s) on the server but the client"
						+ " sends " + sent);
			}
		});
		return problems;
	}

	private static void report(VerifyOnStart mode, String message, List<String> failures) {
		if (mode == VerifyOnStart.FAIL) {
			failures.add(message);
		}
		else {
			logger.warn(message);
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
