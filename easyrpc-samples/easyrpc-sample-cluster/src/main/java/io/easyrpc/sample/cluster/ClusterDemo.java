package io.easyrpc.sample.cluster;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.easyrpc.RpcException;
import io.easyrpc.sample.cluster.api.Greeting;
import io.easyrpc.sample.cluster.clientapp.ClusterClientApplication;
import io.easyrpc.sample.cluster.clientapp.RemoteGreeter;
import io.easyrpc.sample.cluster.serverapp.ClusterServerApplication;
import org.apache.curator.test.TestingServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts ZooKeeper (in this JVM, unless {@code --zookeeper=host:port} names one), three
 * instances of the greeter service and a client that calls {@code discovery://greeter};
 * prints which instance answered each call while one instance stops and a fourth one
 * starts.
 */
public final class ClusterDemo {

	private static final int CALLS_PER_ROUND = 12;

	private static final Duration WAIT = Duration.ofSeconds(60);

	private ClusterDemo() {
	}

	/**
	 * Run the demo.
	 * @param args {@code --zookeeper=host:port} to use a running ZooKeeper; other
	 * arguments go to every application
	 * @throws Exception if the demo fails
	 */
	public static void main(String[] args) throws Exception {
		Map<String, Integer> answered = run(System.out, args);
		if (answered.containsKey("failed")) {
			System.exit(1);
		}
	}

	/**
	 * Run the demo, printing to the given stream.
	 * @param out where to print
	 * @param args {@code --zookeeper=host:port} to use a running ZooKeeper; other
	 * arguments go to every application
	 * @return how many calls each instance answered, and under {@code failed} how many
	 * calls failed, if any did
	 * @throws Exception if the demo fails
	 */
	public static Map<String, Integer> run(PrintStream out, String... args) throws Exception {
		String zookeeper = Arrays.stream(args)
			.filter((arg) -> arg.startsWith("--zookeeper="))
			.map((arg) -> arg.substring("--zookeeper=".length()))
			.findFirst()
			.orElse(null);
		String[] others = Arrays.stream(args).filter((arg) -> !arg.startsWith("--zookeeper=")).toArray(String[]::new);
		TestingServer embedded = null;
		if (zookeeper == null) {
			embedded = new TestingServer(true);
			zookeeper = embedded.getConnectString();
			out.println("ZooKeeper (embedded) at " + zookeeper);
		}
		else {
			out.println("ZooKeeper at " + zookeeper);
		}
		Map<String, Integer> answered = new TreeMap<>();
		List<ConfigurableApplicationContext> servers = new ArrayList<>();
		try {
			for (int i = 1; i <= 3; i++) {
				servers.add(server("server-" + i, zookeeper, others));
			}
			try (ConfigurableApplicationContext client = new SpringApplicationBuilder(ClusterClientApplication.class)
				.web(WebApplicationType.NONE)
				.run(with(others, "--spring.application.name=greeter-client", "--spring.config.name=cluster-client",
						"--spring.cloud.zookeeper.connect-string=" + zookeeper))) {
				RemoteGreeter greeter = client.getBean(RemoteGreeter.class);
				awaitAnswerFrom(greeter, List.of("server-1", "server-2", "server-3"));
				out.println("Round 1: three instances");
				round(out, greeter, answered);

				out.println("Stopping server-1 (it leaves ZooKeeper, then drains)");
				servers.remove(0).close();
				out.println("Round 2: server-1 stopped");
				round(out, greeter, answered);

				out.println("Starting server-4");
				servers.add(server("server-4", zookeeper, others));
				awaitAnswerFrom(greeter, List.of("server-4"));
				out.println("Round 3: server-4 joined");
				round(out, greeter, answered);
			}
		}
		finally {
			for (ConfigurableApplicationContext server : servers) {
				server.close();
			}
			if (embedded != null) {
				embedded.close();
			}
		}
		out.println("Calls answered per instance: " + answered);
		return answered;
	}

	private static ConfigurableApplicationContext server(String name, String zookeeper, String[] args) {
		return new SpringApplicationBuilder(ClusterServerApplication.class).web(WebApplicationType.NONE)
			.run(with(args, "--spring.application.name=greeter", "--spring.config.name=cluster-server",
					"--cluster.instance=" + name, "--spring.cloud.zookeeper.connect-string=" + zookeeper));
	}

	private static void round(PrintStream out, RemoteGreeter greeter, Map<String, Integer> answered) {
		for (int i = 1; i <= CALLS_PER_ROUND; i++) {
			try {
				Greeting greeting = greeter.hello("call " + i);
				out.printf("  %-8s -> %s, answered by %s%n", "call " + i, greeting.text(), greeting.instance());
				answered.merge(greeting.instance(), 1, Integer::sum);
			}
			catch (RpcException ex) {
				out.printf("  %-8s -> failed: %s%n", "call " + i, ex.getMessage());
				answered.merge("failed", 1, Integer::sum);
			}
		}
	}

	// The registry and the client's view of it take a moment to agree: call until each
	// instance named has answered at least once.
	private static void awaitAnswerFrom(RemoteGreeter greeter, List<String> instances) throws InterruptedException {
		List<String> missing = new ArrayList<>(instances);
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!missing.isEmpty()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("No answer from " + missing + " within " + WAIT);
			}
			try {
				missing.remove(greeter.hello("warm-up").instance());
			}
			catch (RpcException ex) {
				// No instance registered yet.
			}
			if (!missing.isEmpty()) {
				Thread.sleep(100);
			}
		}
	}

	// Command-line arguments outrank the configuration files.
	private static String[] with(String[] args, String... settings) {
		String[] all = Arrays.copyOf(settings, settings.length + args.length);
		System.arraycopy(args, 0, all, settings.length, args.length);
		return all;
	}

}
