package io.easyrpc.benchmark.micro;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.easyrpc.client.ClientDefinition;
import io.easyrpc.client.ClientProxyFactory;
import io.easyrpc.client.ExceptionFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * Measures the per-call cost of the MessagePack-RPC path of a server against its easyrpc
 * path, in the same run, on the same server and method ({@code Echo.echo}): the easyrpc
 * client over {@code tcp://}, and a bare MessagePack-RPC client (a blocking socket and
 * msgpack-core, no client library) on the same port. Sequential calls give the round
 * trip; calls kept in flight (the easyrpc client's asynchronous calls, the
 * MessagePack-RPC client's pipelined requests, each answer sending the next request) give
 * the throughput, whose inverse is the cost of a call. Not a test; no timing is asserted
 * anywhere.
 * <p>
 * Run from the repository root with
 * {@code easyrpc-samples/easyrpc-sample-benchmark/micro.sh MsgpackRpcRoundTrip [arguments]}.
 * <p>
 * Arguments: seconds per run (5), rounds (3), calls in flight (16), payload characters
 * (16).
 */
public final class MsgpackRpcRoundTrip {

	private static final int MAX_SAMPLES = 2_000_000;

	private static final String METHOD = "Echo.echo";

	private MsgpackRpcRoundTrip() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		int inFlight = (args.length > 2) ? Integer.parseInt(args[2]) : 16;
		int payload = (args.length > 3) ? Integer.parseInt(args[3]) : 16;
		String text = "x".repeat(payload);
		ObjectCodec codec = ObjectCodec.createDefault();
		ServiceRegistry registry = new ServiceRegistry(codec);
		registry.register(ServiceDefinition.builder(new WebSocketRoundTrip.EchoService()).build());
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(codec)
			.build();
		server.start();
		System.out.printf("%d s per run, %d rounds, %d calls in flight, %d-character payload, Java %s%n", seconds,
				rounds, inFlight, payload, System.getProperty("java.version"));
		try (RpcChannel channel = RpcChannel.builder(RpcAddress.tcp("127.0.0.1", server.port())).build();
				MsgpackRpcClient msgpack = new MsgpackRpcClient(server.port())) {
			WebSocketRoundTrip.Echo echo = new ClientProxyFactory(new ExceptionFactory(List.of(), null))
				.createProxy(ClientDefinition.of(WebSocketRoundTrip.Echo.class, Duration.ofSeconds(30)), channel);
			Duration warmUp = Duration.ofSeconds(2);
			sequential(echo::echo, text, warmUp);
			sequential(msgpack::call, text, warmUp);
			ClosedLoop.callsPerSecond(() -> echo.echoAsync(text), inFlight, warmUp);
			msgpack.pipelined(text, inFlight, warmUp);
			Duration run = Duration.ofSeconds(seconds);
			for (int round = 1; round <= rounds; round++) {
				System.out.printf("round %d, easyrpc client       sequential: %s%n", round,
						sequential(echo::echo, text, run));
				System.out.printf("round %d, MessagePack-RPC peer sequential: %s%n", round,
						sequential(msgpack::call, text, run));
				double easyrpc = ClosedLoop.callsPerSecond(() -> echo.echoAsync(text), inFlight, run);
				System.out.printf("round %d, easyrpc client       %d in flight: %,.0f calls/s, %.2f µs per call%n",
						round, inFlight, easyrpc, 1e6 / easyrpc);
				double mprpc = msgpack.pipelined(text, inFlight, run);
				System.out.printf("round %d, MessagePack-RPC peer %d in flight: %,.0f calls/s, %.2f µs per call%n",
						round, inFlight, mprpc, 1e6 / mprpc);
			}
		}
		finally {
			server.stop(Duration.ZERO);
		}
	}

	// One call at a time: the round trip of a call.
	private static String sequential(Call call, String text, Duration duration) throws Exception {
		long[] samples = new long[MAX_SAMPLES];
		int count = 0;
		long end = System.nanoTime() + duration.toNanos();
		long start = System.nanoTime();
		long now = start;
		while (now < end && count < samples.length) {
			String answer = call.echo(text);
			long after = System.nanoTime();
			if (answer.length() != text.length()) {
				throw new IllegalStateException("Unexpected answer of " + answer.length() + " characters");
			}
			samples[count++] = after - now;
			now = after;
		}
		double seconds = (now - start) / 1e9;
		Arrays.sort(samples, 0, count);
		return String.format("%,.0f calls/s, median %.1f µs, p99 %.1f µs", count / seconds, samples[count / 2] / 1e3,
				samples[(int) (count * 0.99)] / 1e3);
	}

	@FunctionalInterface
	interface Call {

		String echo(String text) throws Exception;

	}

	// A bare MessagePack-RPC client: requests packed with msgpack-core onto a blocking
	// socket, responses read back in order of arrival.
	static final class MsgpackRpcClient implements AutoCloseable {

		private final Socket socket;

		private final OutputStream out;

		private final MessageUnpacker in;

		private final MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();

		private long msgid;

		MsgpackRpcClient(int port) throws IOException {
			this.socket = new Socket("127.0.0.1", port);
			this.socket.setTcpNoDelay(true);
			this.out = new BufferedOutputStream(this.socket.getOutputStream());
			this.in = MessagePack.newDefaultUnpacker(new BufferedInputStream(this.socket.getInputStream()));
		}

		String call(String text) throws IOException {
			write(text);
			this.out.flush();
			return read();
		}

		// Keeps a number of requests in flight for the duration: each response read
		// sends the next request.
		double pipelined(String text, int inFlight, Duration duration) throws IOException {
			for (int i = 0; i < inFlight; i++) {
				write(text);
			}
			this.out.flush();
			long start = System.nanoTime();
			long end = start + duration.toNanos();
			long completed = 0;
			while (true) {
				read();
				completed++;
				if (System.nanoTime() - end >= 0) {
					break;
				}
				write(text);
				this.out.flush();
			}
			double elapsed = (System.nanoTime() - start) / 1e9;
			for (int i = 1; i < inFlight; i++) {
				read();
			}
			return completed / elapsed;
		}

		private void write(String text) throws IOException {
			this.packer.clear();
			this.packer.packArrayHeader(4).packInt(0).packLong(this.msgid++ & 0x7fffffffL).packString(METHOD);
			this.packer.packArrayHeader(1).packString(text);
			this.packer.flush();
			this.out.write(this.packer.toByteArray());
		}

		private String read() throws IOException {
			int size = this.in.unpackArrayHeader();
			if (size != 4 || this.in.unpackInt() != 1) {
				throw new IllegalStateException("Not a MessagePack-RPC response");
			}
			this.in.unpackLong();
			if (!this.in.tryUnpackNil()) {
				throw new IllegalStateException("Call failed: " + this.in.unpackValue());
			}
			return this.in.unpackString();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
