package io.easyrpc.benchmark.driver;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import io.easyrpc.benchmark.api.BenchmarkClient;
import io.easyrpc.benchmark.api.BenchmarkService;
import io.easyrpc.benchmark.api.Payload;
import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.transport.IoTransport;
import io.easyrpc.transport.RpcAddress;

/**
 * Calls the easyrpc server through a client proxy with {@code CompletableFuture} methods,
 * as an {@code @RpcClient} would, with a 10 second deadline per call. Given several
 * ports, the one channel balances the calls over the instances at those ports with its
 * default policy (round robin).
 */
final class EasyRpcLoad implements LoadTarget {

	private final RpcChannel channel;

	private final BenchmarkClient client;

	private final boolean nonBlocking;

	private final byte[] data;

	EasyRpcLoad(List<Integer> ports, byte[] data, boolean nonBlocking) {
		// One address builds the same channel as RpcChannel.builder(RpcAddress).
		this.channel = RpcChannel.builder(ports.stream().map((port) -> RpcAddress.tcp("127.0.0.1", port)).toList())
			.codec(ObjectCodec.createDefault())
			.transport(transport())
			.build();
		this.client = new ClientProxyFactory(new ExceptionFactory(List.of(), null)).createProxy(
				new ClientDefinition(BenchmarkClient.class, BenchmarkService.NAME, null, Duration.ofSeconds(10), null),
				this.channel);
		this.data = data;
		this.nonBlocking = nonBlocking;
	}

	// The same property as the server's, so that both sides use one transport.
	private static IoTransport transport() {
		String value = System.getProperty("easyrpc.netty.transport", "auto");
		return IoTransport.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
	}

	@Override
	public void call(int slot, long id, Completion completion) {
		Payload payload = new Payload(id, NAME, this.data);
		CompletableFuture<Payload> result = this.nonBlocking ? this.client.echoNonBlocking(payload)
				: this.client.echo(payload);
		result.whenComplete((echoed, failure) -> completion.completed(slot,
				failure == null && echoed.id() == id && echoed.data().length == this.data.length));
	}

	@Override
	public void close() {
		this.channel.close();
	}

}
