package io.easyrpc.autoconfigure.observation;

import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcContext;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.autoconfigure.EasyRpcClientAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcCodecAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerAutoConfiguration;
import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.server.RpcServer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A client context and a server context, each with its own tracer and an observation
 * registry that propagates the trace context in W3C format: the server's span continues
 * the client's trace across the wire.
 */
class EasyRpcTracingTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private final SimpleTracer serverTracer = new SimpleTracer();

	private final SimpleTracer clientTracer = new SimpleTracer();

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcObservationAutoConfiguration.class, EasyRpcServerAutoConfiguration.class))
		.withBean(ObservationRegistry.class, () -> tracingRegistry(this.serverTracer))
		.withBean(SimpleTracer.class, () -> this.serverTracer)
		.withBean(TracedService.class)
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=2s");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcObservationAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withBean(ObservationRegistry.class, () -> tracingRegistry(this.clientTracer))
		.withUserConfiguration(TracedClients.class)
		.withPropertyValues("easyrpc.client.timeout=10s");

	@Test
	void whenClientCallsThenServerSpanIsChildOfClientSpan() {
		withServerAndClient((server, client) -> {
			String seen = inRequest(client, () -> client.getBean(TracedClient.class).spanIds());
			SimpleSpan clientSpan = clientSpan();
			SimpleSpan serverSpan = this.serverTracer.onlySpan();
			assertThat(clientSpan.getKind()).isEqualTo(Span.Kind.CLIENT);
			assertThat(serverSpan.getKind()).isEqualTo(Span.Kind.SERVER);
			assertThat(serverSpan.getTraceId()).isEqualTo(clientSpan.getTraceId());
			assertThat(serverSpan.getParentId()).isEqualTo(clientSpan.getSpanId());
			assertThat(serverSpan.getSpanId()).isNotEqualTo(clientSpan.getSpanId());
			// The server span is current while the service method runs.
			assertThat(seen).isEqualTo(serverSpan.getTraceId() + "/" + serverSpan.getSpanId());
		});
	}

	@Test
	void whenClientCallsThenTraceparentHeaderTravelsInTheMetadata() {
		withServerAndClient((server, client) -> {
			String traceparent = inRequest(client,
					() -> client.getBean(TracedClient.class).header(W3cTraceparentPropagator.TRACEPARENT));
			SimpleSpan clientSpan = clientSpan();
			assertThat(traceparent)
				.matches("00-0{16}" + clientSpan.getTraceId() + "-" + clientSpan.getSpanId() + "-0[01]");
		});
	}

	@Test
	void whenCallIsTracedThenSpansAreNamedAndTaggedByTheConvention() {
		withServerAndClient((server, client) -> {
			inRequest(client, () -> client.getBean(TracedClient.class).spanIds());
			SimpleSpan clientSpan = clientSpan();
			SimpleSpan serverSpan = this.serverTracer.onlySpan();
			for (SimpleSpan span : new SimpleSpan[] { clientSpan, serverSpan }) {
				assertThat(span.getName()).isEqualTo("Traced.spanIds");
				assertThat(span.getTags()).containsEntry("rpc.system", "easyrpc")
					.containsEntry("rpc.service", "Traced")
					.containsEntry("rpc.method", "spanIds")
					.containsEntry("rpc.type", "unary")
					.containsEntry("rpc.status", "OK")
					.containsKey("network.peer.address");
				assertThat(span.getEndTimestamp()).isNotNull();
			}
			assertThat(clientSpan.getRemoteIp()).isEqualTo("127.0.0.1");
			assertThat(String.valueOf(clientSpan.getRemotePort())).isEqualTo(port(server));
			assertThat(serverSpan.getRemoteIp()).isEqualTo("127.0.0.1");
			assertThat(serverSpan.getRemotePort()).isPositive();
		});
	}

	@Test
	void whenCallIsMadeInsideAnObservationThenClientSpanIsItsChild() {
		withServerAndClient((server, client) -> {
			inRequest(client, () -> client.getBean(TracedClient.class).spanIds());
			SimpleSpan request = this.clientTracer.getSpans()
				.stream()
				.filter((span) -> span.getName().equals("request"))
				.findFirst()
				.orElseThrow();
			SimpleSpan clientSpan = clientSpan();
			SimpleSpan serverSpan = this.serverTracer.onlySpan();
			assertThat(clientSpan.getParentId()).isEqualTo(request.getSpanId());
			assertThat(clientSpan.getTraceId()).isEqualTo(request.getTraceId());
			assertThat(serverSpan.getTraceId()).isEqualTo(request.getTraceId());
			assertThat(serverSpan.getParentId()).isEqualTo(clientSpan.getSpanId());
		});
	}

	@Test
	void whenMethodFailsThenBothSpansCarryTheError() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Traced.fail threw an unexpected exception");
		withServerAndClient((server, client) -> {
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> inRequest(client, () -> {
				client.getBean(TracedClient.class).fail();
				return null;
			}));
			SimpleSpan clientSpan = clientSpan();
			SimpleSpan serverSpan = this.serverTracer.onlySpan();
			assertThat(serverSpan.getError()).isInstanceOf(UnsupportedOperationException.class);
			assertThat(serverSpan.getTags()).containsEntry("rpc.status", "APPLICATION_ERROR");
			assertThat(clientSpan.getError()).isNotNull();
			assertThat(clientSpan.getTags()).containsEntry("rpc.status", "APPLICATION_ERROR");
			assertThat(serverSpan.getParentId()).isEqualTo(clientSpan.getSpanId());
		});
	}

	// Calls are made inside an observation, as they would be inside a web request:
	// SimpleTracer gives ids only to spans that have a parent.
	private static <T> T inRequest(AssertableApplicationContext client, Supplier<T> call) {
		Observation request = Observation.start("request", client.getBean(ObservationRegistry.class));
		try (Observation.Scope scope = request.openScope()) {
			return call.get();
		}
		finally {
			request.stop();
		}
	}

	private SimpleSpan clientSpan() {
		assertThat(this.clientTracer.getSpans()).filteredOn((span) -> span.getKind() == Span.Kind.CLIENT).hasSize(1);
		return this.clientTracer.getSpans()
			.stream()
			.filter((span) -> span.getKind() == Span.Kind.CLIENT)
			.findFirst()
			.orElseThrow();
	}

	private static ObservationRegistry tracingRegistry(SimpleTracer tracer) {
		Propagator propagator = new W3cTraceparentPropagator(tracer);
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
					new DefaultTracingObservationHandler(tracer)));
		return registry;
	}

	private void withServerAndClient(ServerAndClient test) {
		this.serverRunner.run((server) -> {
			assertThat(server).hasNotFailed();
			this.clientRunner
				.withPropertyValues("easyrpc.client.targets.traced.address=tcp://127.0.0.1:" + port(server))
				.run((client) -> {
					assertThat(client).hasNotFailed();
					test.accept(server, client);
				});
		});
	}

	private static String port(AssertableApplicationContext server) {
		return server.getEnvironment().getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY);
	}

	@FunctionalInterface
	interface ServerAndClient {

		void accept(AssertableApplicationContext server, AssertableApplicationContext client) throws Exception;

	}

	public interface Traced {

		String spanIds();

		String header(String name);

		void fail();

	}

	@RpcClient(target = "traced")
	public interface TracedClient extends Traced {

	}

	@RpcService
	static class TracedService implements Traced {

		private final SimpleTracer tracer;

		TracedService(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		@Override
		public String spanIds() {
			Span current = this.tracer.currentSpan();
			return (current != null) ? current.context().traceId() + "/" + current.context().spanId() : "none";
		}

		@Override
		public String header(String name) {
			return RpcContext.current().header(name);
		}

		@Override
		public void fail() {
			throw new UnsupportedOperationException("not here");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = TracedClient.class)
	static class TracedClients {

	}

}
