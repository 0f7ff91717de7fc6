package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link EasyRpcServerLifecycle}: start with the context, drain on close.
 */
class EasyRpcServerLifecycleTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class, EasyRpcServerAutoConfiguration.class))
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=10s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(JobsClientConfiguration.class)
		.withPropertyValues("easyrpc.client.timeout=20s");

	@Test
	void whenContextClosesWithCallInFlightThenCallCompletesAndNewCallsAreUnavailable() {
		SlowJobs jobs = new SlowJobs();
		this.serverRunner.withBean(SlowJobs.class, () -> jobs).run((server) -> {
			assertThat(server).hasNotFailed();
			RpcServer rpcServer = server.getBean(RpcServer.class);
			EasyRpcServerLifecycle lifecycle = server.getBean(EasyRpcServerLifecycle.class);
			String port = server.getEnvironment().getProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
			this.clientRunner.withPropertyValues("easyrpc.client.targets.jobs.address=tcp://127.0.0.1:" + port)
				.run((client) -> {
					JobsClient jobsClient = client.getBean(JobsClient.class);
					assertThat(jobsClient.quick()).isEqualTo("quick");
					CompletableFuture<String> inFlight = jobsClient.slow();
					assertThat(jobs.started.await(10, TimeUnit.SECONDS)).isTrue();
					CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
					awaitDraining(rpcServer);
					assertThat(inFlight).isNotDone();
					assertThatExceptionOfType(RpcException.class).isThrownBy(jobsClient::quick)
						.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAVAILABLE));
					assertThat(closing).isNotDone();
					jobs.release.countDown();
					assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
					closing.get(20, TimeUnit.SECONDS);
					assertThat(rpcServer.isRunning()).isFalse();
					assertThat(lifecycle.isRunning()).isFalse();
				});
		});
	}

	@Test
	void whenContextClosesThenServerStops() {
		RpcServer[] servers = new RpcServer[1];
		this.serverRunner.withBean(SlowJobs.class).run((context) -> {
			servers[0] = context.getBean(RpcServer.class);
			assertThat(servers[0].isRunning()).isTrue();
			assertThat(context.getBean(EasyRpcServerLifecycle.class).getPhase())
				.isEqualTo(SmartLifecycle.DEFAULT_PHASE - 768);
		});
		assertThat(servers[0].isRunning()).isFalse();
	}

	@Test
	void whenStartupFailsAfterServerStartedThenServerIsStopped() {
		RpcServer[] servers = new RpcServer[1];
		this.serverRunner.withBean(SlowJobs.class)
			.withBean(FailingLifecycle.class)
			.withInitializer((context) -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof RpcServer server) {
						servers[0] = server;
					}
					return bean;
				}

			}))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(servers[0]).isNotNull();
				assertThat(servers[0].isRunning()).isFalse();
			});
	}

	private static void awaitDraining(RpcServer server) {
		await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10)).until(server::isDraining);
	}

	public interface Jobs {

		String quick();

		CompletableFuture<String> slow();

	}

	@RpcClient(target = "jobs")
	public interface JobsClient extends Jobs {

	}

	@RpcService
	static class SlowJobs implements Jobs {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public String quick() {
			return "quick";
		}

		@Override
		public CompletableFuture<String> slow() {
			this.started.countDown();
			try {
				this.release.await(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return CompletableFuture.completedFuture("slow");
		}

	}

	static class FailingLifecycle implements SmartLifecycle {

		@Override
		public void start() {
			throw new IllegalStateException("cannot start");
		}

		@Override
		public void stop() {
		}

		@Override
		public boolean isRunning() {
			return false;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = JobsClient.class)
	static class JobsClientConfiguration {

	}

}
