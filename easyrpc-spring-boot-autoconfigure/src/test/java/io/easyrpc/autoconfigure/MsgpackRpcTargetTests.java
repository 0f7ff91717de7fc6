package io.easyrpc.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcMethod;
import io.easyrpc.annotation.EnableRpcClients;
import io.easyrpc.annotation.RpcClient;
import io.easyrpc.client.MsgpackRpcNotificationListener;
import io.easyrpc.it.ExpectedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Targets at {@code msgpack-rpc://} addresses, calling a plain MessagePack-RPC server
 * written here with msgpack-core over a socket: the method names, the notification
 * listener beans, and the client-wide settings such servers cannot take.
 */
class MsgpackRpcTargetTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, SslAutoConfiguration.class,
				EasyRpcCodecAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(ClientConfiguration.class);

	private final ServerSocket serverSocket;

	private final Thread serverThread;

	MsgpackRpcTargetTests() throws IOException {
		this.serverSocket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
		this.serverThread = new Thread(this::serve, "plain-msgpack-rpc-server");
		this.serverThread.setDaemon(true);
		this.serverThread.start();
	}

	@AfterEach
	void close() throws IOException {
		this.serverSocket.close();
	}

	private String address() {
		return "msgpack-rpc://127.0.0.1:" + this.serverSocket.getLocalPort();
	}

	// Answers add(a, b) with a + b after the notification [2, "added", [a + b]]; any
	// other method with the error "no such method: <name>".
	private void serve() {
		while (!this.serverSocket.isClosed()) {
			try (Socket socket = this.serverSocket.accept()) {
				InputStream in = socket.getInputStream();
				OutputStream out = socket.getOutputStream();
				MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(in);
				MessagePacker packer = MessagePack.newDefaultPacker(out);
				while (unpacker.hasNext()) {
					List<Value> request = unpacker.unpackValue().asArrayValue().list();
					long msgid = request.get(1).asIntegerValue().asLong();
					String method = request.get(2).asStringValue().asString();
					List<Value> params = request.get(3).asArrayValue().list();
					if (method.equals("add")) {
						long sum = params.get(0).asIntegerValue().asLong() + params.get(1).asIntegerValue().asLong();
						packer.packArrayHeader(3).packInt(2).packString("added").packArrayHeader(1).packLong(sum);
						packer.packArrayHeader(4).packInt(1).packLong(msgid).packNil().packLong(sum);
					}
					else {
						packer.packArrayHeader(4)
							.packInt(1)
							.packLong(msgid)
							.packString("no such method: " + method)
							.packNil();
					}
					packer.flush();
				}
			}
			catch (IOException ex) {
				// The socket closed; the next connection, if any, is served.
			}
		}
	}

	@Test
	void clientCallsTheBareMethodNamesAndEveryListenerBeanHearsTheNotifications() {
		this.runner.withPropertyValues("easyrpc.client.targets.adder.address=" + address(),
				// Client-wide settings a plain MessagePack-RPC server cannot take do
				// not apply to it.
				"easyrpc.client.auth.shared-secret=s3cret", "easyrpc.client.compression.enabled=true")
			.withUserConfiguration(ListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				AdderClient adder = context.getBean(AdderClient.class);
				assertThat(adder.plus(2, 3)).isEqualTo(5);
				assertThatExceptionOfType(RpcException.class).isThrownBy(() -> adder.minus(2, 3))
					.withMessageContaining("no such method: minus");
				ListenerConfiguration listeners = context.getBean(ListenerConfiguration.class);
				assertThat(listeners.first.poll(5, TimeUnit.SECONDS)).isEqualTo("added [5]");
				assertThat(listeners.second.poll(5, TimeUnit.SECONDS)).isEqualTo("added [5]");
			});
	}

	@Test
	void targetNamesTheListenerBeanOfItsNotifications() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.adder.address=" + address(),
					"easyrpc.client.targets.adder.notification-listener=secondListener")
			.withUserConfiguration(ListenerConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(AdderClient.class).plus(20, 22)).isEqualTo(42);
				ListenerConfiguration listeners = context.getBean(ListenerConfiguration.class);
				assertThat(listeners.second.poll(5, TimeUnit.SECONDS)).isEqualTo("added [42]");
				assertThat(listeners.first).isEmpty();
			});
	}

	@Test
	void notificationListenerOfAnEasyRpcTargetFailsStartup() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.adder.address=tcp://localhost:7070",
					"easyrpc.client.targets.adder.notification-listener=secondListener")
			.withUserConfiguration(ListenerConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.client.targets.adder.notification-listener is set")
				.hasMessageContaining("not msgpack-rpc:// or msgpack-rpc+unix: addresses"));
	}

	@Test
	void tlsOfAMsgpackRpcTargetFailsStartup() {
		this.runner
			.withPropertyValues("easyrpc.client.targets.adder.address=" + address(),
					"easyrpc.client.targets.adder.ssl.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("easyrpc.client.targets.adder.ssl.enabled asks for TLS")
				.hasMessageContaining("is a MessagePack-RPC address, which does not support TLS"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableRpcClients(clients = AdderClient.class)
	static class ClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class ListenerConfiguration {

		final BlockingQueue<String> first = new LinkedBlockingQueue<>();

		final BlockingQueue<String> second = new LinkedBlockingQueue<>();

		@Bean
		MsgpackRpcNotificationListener firstListener() {
			return (server, method, params) -> this.first.add(method + " " + params);
		}

		@Bean
		MsgpackRpcNotificationListener secondListener() {
			return (server, method, params) -> this.second.add(method + " " + params);
		}

	}

	@RpcClient(target = "adder")
	interface AdderClient {

		@RpcMethod(name = "add")
		long plus(long a, long b);

		long minus(long a, long b);

	}

}
