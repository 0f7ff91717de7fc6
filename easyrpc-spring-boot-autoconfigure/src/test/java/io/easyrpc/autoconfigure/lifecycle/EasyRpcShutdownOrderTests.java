package io.easyrpc.autoconfigure.lifecycle;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.RpcServerStartedEvent;
import io.easyrpc.autoconfigure.RpcServerStoppedEvent;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.RpcServerListener;
import io.easyrpc.transport.RpcAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shutdown order of an application with a servlet web server, Actuator and an easyrpc
 * server: the easyrpc server drains while the web server still answers, so
 * {@code /actuator/health} reports {@code OUT_OF_SERVICE} during the drain; the start and
 * stop are published as events and told to listener beans.
 */
class EasyRpcShutdownOrderTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@TempDir
	Path directory;

	private ConfigurableApplicationContext context;

	private RpcChannel channel;

	@AfterEach
	void close() {
		if (this.channel != null) {
			this.channel.close();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void whenServerDrainsThenHealthIsOutOfServiceOverHttpAndEventsFollowTheLifecycle() throws Exception {
		Path socket = this.directory.resolve("rpc.sock");
		SpringApplication application = new SpringApplication(DrainApplication.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		this.context = application.run("--server.port=0", "--server.address=127.0.0.1",
				"--easyrpc.server.host=127.0.0.1", "--easyrpc.server.port=0", "--easyrpc.server.unix-socket=" + socket,
				"--spring.lifecycle.timeout-per-shutdown-phase=20s",
				"--management.endpoints.web.exposure.include=health", "--spring.cloud.zookeeper.enabled=false",
				"--spring.cloud.discovery.enabled=false",
				"--spring.cloud.service-registry.auto-registration.enabled=false");
		Events events = this.context.getBean(Events.class);
		SlowJobs jobs = this.context.getBean(SlowJobs.class);
		RpcServer server = this.context.getBean(RpcServer.class);
		URI health = URI.create("http://127.0.0.1:"
				+ ((WebServerApplicationContext) this.context).getWebServer().getPort() + "/actuator/health");
		assertThat(get(health)).contains("\"UP\"");
		assertThat(events.names).containsExactly("listener starting", "RpcServerStartedEvent", "listener started");
		assertThat(events.started.getAddresses()).hasSize(2);
		assertThat(socket).exists();

		// A call over the unix domain socket holds the drain open.
		this.channel = RpcChannel.builder(RpcAddress.unix(socket.toString())).build();
		Jobs client = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
			.createProxy(ClientDefinition.of(Jobs.class, WAIT), this.channel);
		CompletableFuture<String> inFlight = client.slow();
		assertThat(jobs.started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(server::isDraining);
		await().atMost(WAIT).untilAsserted(() -> assertThat(get(health)).contains("\"OUT_OF_SERVICE\""));
		assertThat(events.names).contains("RpcServerStoppingEvent").doesNotContain("RpcServerStoppedEvent");
		assertThat(closing).isNotDone();

		jobs.release.countDown();
		assertThat(inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("slow");
		closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(events.names).containsSubsequence("RpcServerStoppingEvent", "listener stopping",
				"RpcServerStoppedEvent", "listener stopped");
		assertThat(events.stopped.getDrainedCalls()).isOne();
		assertThat(events.stopped.getAbandonedCalls()).isZero();
		assertThat(socket).doesNotExist();
	}

	private String get(URI uri) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	public interface Jobs {

		CompletableFuture<String> slow();

	}

	@RpcService
	static class SlowJobs implements Jobs {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public CompletableFuture<String> slow() {
			this.started.countDown();
			try {
				this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return CompletableFuture.completedFuture("slow");
		}

	}

	static class Events implements ApplicationListener<ApplicationEvent>, RpcServerListener {

		final List<String> names = new CopyOnWriteArrayList<>();

		volatile RpcServerStartedEvent started;

		volatile RpcServerStoppedEvent stopped;

		@Override
		public void onApplicationEvent(ApplicationEvent event) {
			if (event instanceof RpcServerStartedEvent start) {
				this.started = start;
			}
			if (event instanceof RpcServerStoppedEvent stop) {
				this.stopped = stop;
			}
			if (event.getClass().getSimpleName().startsWith("RpcServer")) {
				this.names.add(event.getClass().getSimpleName());
			}
		}

		@Override
		public void serverStarting(RpcServer server) {
			this.names.add("listener starting");
		}

		@Override
		public void serverStarted(RpcServer server, List<java.net.SocketAddress> addresses) {
			this.names.add("listener started");
		}

		@Override
		public void serverStopping(RpcServer server) {
			this.names.add("listener stopping");
		}

		@Override
		public void serverStopped(RpcServer server, Drain drain) {
			this.names.add("listener stopped");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class DrainApplication {

		@Bean
		SlowJobs slowJobs() {
			return new SlowJobs();
		}

		@Bean
		static Events events() {
			return new Events();
		}

	}

}
