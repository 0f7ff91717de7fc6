package io.easyrpc.benchmark.micro;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.autoconfigure.observation.ObservationClientCallObserver;
import io.easyrpc.autoconfigure.observation.ObservationServerCallObserver;
import io.easyrpc.transport.RpcAddress;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

/**
 * Measures what observations cost per call, by hand: alternates runs without observers
 * and with the Micrometer observers (timers through
 * {@link DefaultMeterObservationHandler}) in one JVM, each run keeping a fixed number of
 * asynchronous calls in flight over loopback, and prints calls per second. Not a test; no
 * timing is asserted anywhere.
 * <p>
 * Run from the repository root with
 * {@code easyrpc-samples/easyrpc-sample-benchmark/micro.sh ObservationOverhead [arguments]}.
 * <p>
 * Arguments: seconds per run (10), alternations (3), calls in flight (64) and, to profile
 * one side only, {@code with} or {@code without}.
 */
public final class ObservationOverhead {

	private static final ObjectCodec CODEC = ObjectCodec.createDefault();

	private ObservationOverhead() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		int inFlight = (args.length > 2) ? Integer.parseInt(args[2]) : 64;
		String only = (args.length > 3) ? args[3] : "";
		System.out.printf("%d s per run, %d alternations, %d calls in flight%n", seconds, rounds, inFlight);
		if (!only.isEmpty()) {
			boolean observed = only.equals("with");
			run(observed, Duration.ofSeconds(3), inFlight);
			System.out.printf("%s only: %,.0f calls/s%n", only, run(observed, Duration.ofSeconds(seconds), inFlight));
			return;
		}
		run(false, Duration.ofSeconds(3), inFlight);
		run(true, Duration.ofSeconds(3), inFlight);
		for (int round = 1; round <= rounds; round++) {
			double without = run(false, Duration.ofSeconds(seconds), inFlight);
			double with = run(true, Duration.ofSeconds(seconds), inFlight);
			System.out.printf("round %d: without %,.0f calls/s, with %,.0f calls/s (%+.1f%%)%n", round, without, with,
					(with - without) * 100 / without);
		}
	}

	private static double run(boolean observed, Duration duration, int inFlight) throws Exception {
		ServiceRegistry registry = new ServiceRegistry(CODEC);
		registry.register(ServiceDefinition.builder(new EchoService()).build());
		RpcServer.Builder serverBuilder = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(CODEC)
			.ioThreads(1);
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig()
			.observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
		if (observed) {
			serverBuilder.observer(new ObservationServerCallObserver(observations, null));
		}
		RpcServer server = serverBuilder.build();
		server.start();
		RpcChannel.Builder channelBuilder = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", server.port())).codec(CODEC);
		if (observed) {
			channelBuilder.observer(new ObservationClientCallObserver(observations, null));
		}
		RpcChannel channel = channelBuilder.build();
		try {
			Echo echo = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
				.createProxy(ClientDefinition.of(Echo.class, Duration.ofSeconds(30)), channel);
			echo.echo("warm").get(10, TimeUnit.SECONDS);
			return ClosedLoop.callsPerSecond(() -> echo.echo("ping"), inFlight, duration);
		}
		finally {
			channel.close();
			server.stop(Duration.ZERO);
		}
	}

	/**
	 * The measured service.
	 */
	public interface Echo {

		CompletableFuture<String> echo(String text);

	}

	static final class EchoService implements Echo {

		@Override
		public CompletableFuture<String> echo(String text) {
			return CompletableFuture.completedFuture(text);
		}

	}

}
