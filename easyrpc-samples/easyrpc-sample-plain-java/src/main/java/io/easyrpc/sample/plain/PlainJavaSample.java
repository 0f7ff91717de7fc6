package io.easyrpc.sample.plain;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.transport.RpcAddress;

/**
 * Serves a {@link GreeterService} on a free loopback port, calls it through a proxy of
 * {@link Greeter} and prints the calls with their results.
 */
public final class PlainJavaSample {

	private PlainJavaSample() {
	}

	/**
	 * Run the sample.
	 * @param args not used
	 * @throws Exception if a call fails
	 */
	public static void main(String[] args) throws Exception {
		run(System.out);
	}

	static void run(PrintStream out) throws Exception {
		RpcServer server = RpcServer.builder().address(RpcAddress.tcp("127.0.0.1", 0)).build();
		server.registry().register(ServiceDefinition.builder(new GreeterService()).build());
		server.start();
		out.println("Server listening on port " + server.port());
		try (RpcChannel channel = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", server.port())).build()) {
			Greeter greeter = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
				.createProxy(ClientDefinition.of(Greeter.class, Duration.ofSeconds(5)), channel);
			out.println("hello(\"Ada\")           -> " + greeter.hello("Ada"));
			out.println("letters(\"easy rpc\")    -> " + greeter.letters("easy rpc").get() + " (asynchronous)");
			greeter.note("first");
			greeter.note("second");
			out.println("note(...) twice        -> sent one-way, no response awaited");
			out.println("notes()                -> " + greeter.notes());
		}
		finally {
			server.stop(Duration.ofSeconds(1));
		}
	}

}
