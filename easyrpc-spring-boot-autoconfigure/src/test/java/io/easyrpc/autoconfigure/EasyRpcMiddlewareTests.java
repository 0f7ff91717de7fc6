package io.easyrpc.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.RpcStatus;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.it.ExpectedLogs;
import io.easyrpc.middleware.MessageInfo;
import io.easyrpc.middleware.RpcClientMiddleware;
import io.easyrpc.middleware.RpcMiddleware;
import io.easyrpc.middleware.RpcProcessor;
import io.easyrpc.server.MethodOptions;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Middleware, processors and per-method options as Spring beans and properties, in one
 * context that serves and calls over the in-process transport.
 */
class EasyRpcMiddlewareTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				EasyRpcServerAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(ServiceAndClientConfiguration.class);

	private ApplicationContextRunner inProcess() {
		String name = "middleware-" + UUID.randomUUID();
		return this.runner.withPropertyValues("easyrpc.server.port=-1", "easyrpc.server.in-process-name=" + name,
				"easyrpc.client.targets.desk.address=inproc://" + name);
	}

	@Test
	void middlewareBeansRunInTheirOrderAndServiceMiddlewareRunsInside() {
		inProcess().withUserConfiguration(OrderedMiddlewareConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Trace trace = context.getBean(Trace.class);
			assertThat(context.getBean(DeskClient.class).ask("time")).isEqualTo("answer to time");
			assertThat(trace.events).containsExactly("client-first", "client-second", "server-first", "server-second",
					"service", "method");
		});
	}

	@Test
	void processorBeansTransformPayloadsOnBothSides() {
		inProcess().withBean(Trace.class).withBean(XorProcessor.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(DeskClient.class).ask("weather")).isEqualTo("answer to weather");
			assertThat(context.getBean(XorProcessor.class).kinds).contains("REQUEST:out", "REQUEST:in", "RESPONSE:out",
					"RESPONSE:in");
		});
	}

	@Test
	void processorRefusingAMessageFailsTheCallWithItsStatus() {
		inProcess().withBean(Trace.class).withBean(RpcProcessor.class, () -> new RpcProcessor() {

			@Override
			public byte[] outbound(MessageInfo message, byte[] payload) {
				return payload;
			}

			@Override
			public byte[] inbound(MessageInfo message, byte[] payload) {
				if (message.kind() == MessageInfo.Kind.REQUEST) {
					throw new RpcException(RpcStatus.UNAUTHENTICATED, "refused by the processor");
				}
				return payload;
			}

		})
			.run((context) -> assertThatExceptionOfType(RpcException.class)
				.isThrownBy(() -> context.getBean(DeskClient.class).ask("x"))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(RpcStatus.UNAUTHENTICATED))
				.withMessageContaining("refused by the processor"));
	}

	@Test
	void annotationOptionsAndPropertiesSetConcurrencyLimitAndLocalOnly() {
		inProcess().withBean(Trace.class)
			.withPropertyValues("easyrpc.server.methods[Desk.ask].max-concurrency=4",
					"easyrpc.server.methods[Desk.ask].local-only=true",
					"easyrpc.server.methods[Desk.limited].max-concurrency=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RpcServer server = context.getBean(RpcServer.class);
				MethodOptions ask = server.registry().lookup("Desk.ask").options();
				assertThat(ask.maxConcurrency()).isEqualTo(4);
				assertThat(ask.localOnly()).isTrue();
				MethodOptions limited = server.registry().lookup("Desk.limited").options();
				assertThat(limited.maxConcurrency()).as("0 removes the annotation's limit").isZero();
				assertThat(limited.localOnly()).isTrue();
				assertThat(context.getBean(DeskClient.class).ask("in process")).isEqualTo("answer to in process");
			});
	}

	@Test
	void annotationOptionsApplyWithoutProperties() {
		inProcess().withBean(Trace.class).run((context) -> {
			MethodOptions limited = context.getBean(RpcServer.class).registry().lookup("Desk.limited").options();
			assertThat(limited.maxConcurrency()).isEqualTo(2);
			assertThat(limited.localOnly()).isTrue();
		});
	}

	@Test
	void negativeConcurrencyLimitFailsTheStartWithThePropertyName() {
		inProcess().withBean(Trace.class)
			.withPropertyValues("easyrpc.server.methods[Desk.ask].max-concurrency=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.server.methods.Desk.ask.max-concurrency"));
	}

	static class Trace {

		final List<String> events = new CopyOnWriteArrayList<>();

	}

	public interface Desk {

		String ask(String question);

		String limited();

	}

	@RpcClient(target = "desk")
	public interface DeskClient extends Desk {

	}

	@RpcService(middleware = ServiceMiddleware.class)
	static class DeskService implements Desk {

		private final Trace trace;

		DeskService(Trace trace) {
			this.trace = trace;
		}

		@Override
		public String ask(String question) {
			this.trace.events.add("method");
			return "answer to " + question;
		}

		@Override
		@RpcMethod(maxConcurrency = 2, localOnly = true)
		public String limited() {
			return "limited";
		}

	}

	// Not a bean: created for the service, with the Trace bean injected.
	static class ServiceMiddleware implements RpcMiddleware {

		private final Trace trace;

		ServiceMiddleware(Trace trace) {
			this.trace = trace;
		}

		@Override
		public Object invoke(io.easyrpc.middleware.ServerInvocation invocation, Chain chain) throws Throwable {
			this.trace.events.add("service");
			return chain.proceed();
		}

	}

	static class XorProcessor implements RpcProcessor {

		final List<String> kinds = new CopyOnWriteArrayList<>();

		@Override
		public byte[] outbound(MessageInfo message, byte[] payload) {
			this.kinds.add(message.kind() + ":out");
			return xor(payload);
		}

		@Override
		public byte[] inbound(MessageInfo message, byte[] payload) {
			this.kinds.add(message.kind() + ":in");
			return xor(payload);
		}

		private static byte[] xor(byte[] payload) {
			byte[] key = "k".getBytes(StandardCharsets.US_ASCII);
			byte[] result = new byte[payload.length];
			for (int i = 0; i < payload.length; i++) {
				result[i] = (byte) (payload[i] ^ key[0]);
			}
			return result;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = DeskClient.class)
	static class ServiceAndClientConfiguration {

		@Bean
		DeskService deskService(Trace trace) {
			return new DeskService(trace);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderedMiddlewareConfiguration {

		@Bean
		Trace trace() {
			return new Trace();
		}

		@Bean
		@Order(2)
		RpcMiddleware second(Trace trace) {
			return (invocation, chain) -> {
				trace.events.add("server-second");
				return chain.proceed();
			};
		}

		@Bean
		@Order(1)
		RpcMiddleware first(Trace trace) {
			return (invocation, chain) -> {
				trace.events.add("server-first");
				return chain.proceed();
			};
		}

		@Bean
		@Order(2)
		RpcClientMiddleware clientSecond(Trace trace) {
			return (invocation, chain) -> {
				trace.events.add("client-second");
				return chain.proceed();
			};
		}

		@Bean
		@Order(1)
		RpcClientMiddleware clientFirst(Trace trace) {
			return (invocation, chain) -> {
				trace.events.add("client-first");
				return chain.proceed();
			};
		}

	}

}
