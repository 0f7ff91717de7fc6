package io.easyrpc.benchmark.driver;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.easyrpc.RpcStatus;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDefinition;
import io.easyrpc.server.ServiceRegistry;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

/**
 * Measures the memory a server needs when many clients send a large frame at once: it
 * starts a server in a JVM of its own (by default {@code -Xmx256m
 * -XX:MaxDirectMemorySize=256m}, with its default limits), opens N raw connections that
 * each send one request of almost the maximum frame size (8 MiB) at the same moment, and
 * reports how each connection ended (answered, refused with {@code GOAWAY}, closed
 * without one) and the server's peak resident memory and direct memory. Bounded: one
 * request per connection, and every read gives up after the timeout.
 * <p>
 * Usage: {@code MemoryProbe [clients] [timeoutSeconds] [server JVM options...]}.
 */
public final class MemoryProbe {

	private static final int FRAME_SIZE = 8 * 1024 * 1024;

	private MemoryProbe() {
	}

	/**
	 * Run the probe, or its server when the first argument is {@code server}.
	 * @param args the clients, the timeout in seconds, then options of the server's JVM
	 * @throws Exception if the probe cannot run
	 */
	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("server")) {
			serve();
			return;
		}
		int clients = (args.length > 0) ? Integer.parseInt(args[0]) : 40;
		int timeoutSeconds = (args.length > 1) ? Integer.parseInt(args[1]) : 60;
		List<String> jvmOptions = new ArrayList<>();
		for (int i = 2; i < args.length; i++) {
			jvmOptions.add(args[i]);
		}
		if (jvmOptions.isEmpty()) {
			jvmOptions = List.of("-Xmx256m", "-XX:MaxDirectMemorySize=256m");
		}
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemoryProbe.class.getName(), "server"));
		Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		try {
			BufferedReader serverOut = new BufferedReader(
					new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
			String ready = nextLine(serverOut, "PORT ");
			if (ready == null) {
				throw new IllegalStateException("The server did not start");
			}
			int port = Integer.parseInt(ready.substring(5).trim());
			Map<String, Integer> outcomes = run(port, clients, timeoutSeconds);
			OutputStream control = server.getOutputStream();
			control.write("report\n".getBytes(StandardCharsets.US_ASCII));
			control.flush();
			String report = nextLine(serverOut, "peak ");
			System.out.println("server JVM: " + String.join(" ", jvmOptions));
			System.out.println("clients: " + clients + ", frame: " + FRAME_SIZE + " bytes each");
			System.out.println("outcomes: " + outcomes);
			System.out.println("server: " + report);
		}
		finally {
			server.destroy();
			server.waitFor(10, TimeUnit.SECONDS);
		}
	}

	// The server's log lines go to its standard output too: they are passed on.
	private static String nextLine(BufferedReader serverOut, String prefix) throws IOException {
		String line;
		while ((line = serverOut.readLine()) != null) {
			if (line.startsWith(prefix)) {
				return line;
			}
			System.out.println("  server log: " + line);
		}
		return null;
	}

	private static Map<String, Integer> run(int port, int clients, int timeoutSeconds) throws Exception {
		ByteBuf request = request();
		byte[] frame = new byte[4 + request.readableBytes()];
		Unpooled.wrappedBuffer(frame).writerIndex(0).writeInt(request.readableBytes()).writeBytes(request);
		request.release();
		Map<String, Integer> outcomes = new ConcurrentHashMap<>();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(clients);
		List<Future<?>> futures = new ArrayList<>();
		for (int i = 0; i < clients; i++) {
			futures.add(threads.submit(() -> {
				String outcome = client(port, frame, start, timeoutSeconds);
				outcomes.merge(outcome, 1, Integer::sum);
			}));
		}
		start.countDown();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds + 10L);
		for (Future<?> future : futures) {
			future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		threads.shutdownNow();
		return new TreeMap<>(outcomes);
	}

	// The largest request that fits the default maximum frame size: one byte array.
	private static ByteBuf request() throws IOException {
		int size = FRAME_SIZE - 64;
		byte[] data = new byte[size];
		ByteBuf body = FrameCodec.encodeRequest(UnpooledByteBufAllocator.DEFAULT, 1, "Blobs.length", Metadata.EMPTY,
				(packer) -> {
					packer.packArrayHeader(1);
					packer.packBinaryHeader(data.length);
					packer.writePayload(data);
				});
		if (body.readableBytes() > FRAME_SIZE) {
			throw new IllegalStateException("Request of " + body.readableBytes() + " bytes exceeds the frame size");
		}
		return body;
	}

	private static String client(int port, byte[] frame, CountDownLatch start, int timeoutSeconds) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(timeoutSeconds));
			DataInputStream in = new DataInputStream(socket.getInputStream());
			OutputStream out = socket.getOutputStream();
			ByteBuf preface = Unpooled.buffer(Preface.LENGTH);
			new Preface(Preface.CURRENT_VERSION, 0, FRAME_SIZE).writeTo(preface);
			out.write(ByteBufUtil.getBytes(preface));
			out.flush();
			byte[] serverPreface = new byte[Preface.LENGTH];
			in.readFully(serverPreface);
			start.await();
			try {
				for (int offset = 0; offset < frame.length; offset += 64 * 1024) {
					out.write(frame, offset, Math.min(64 * 1024, frame.length - offset));
				}
				out.flush();
			}
			catch (IOException ex) {
				// Closed while sending: what the server sent before says why.
			}
			while (true) {
				int length = in.readInt();
				byte[] body = new byte[length];
				in.readFully(body);
				Frame answer = FrameCodec.decode(Unpooled.wrappedBuffer(body));
				if (answer instanceof Frame.Response) {
					return "answered";
				}
				if (answer instanceof Frame.Error error) {
					return "error " + RpcStatus.fromCode(error.statusCode());
				}
				if (answer instanceof Frame.GoAway goAway) {
					return "goaway " + RpcStatus.fromCode(goAway.statusCode()) + ": " + goAway.message();
				}
			}
		}
		catch (SocketTimeoutException ex) {
			return "no answer within " + timeoutSeconds + " s";
		}
		catch (EOFException ex) {
			return "closed without GOAWAY";
		}
		catch (IOException ex) {
			return "closed without GOAWAY (" + ex.getClass().getSimpleName() + ")";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	// The server: prints its port, samples its memory, and prints the peaks when asked.
	private static void serve() throws Exception {
		ObjectCodec codec = ObjectCodec.createDefault();
		ServiceRegistry registry = new ServiceRegistry(codec);
		registry.register(ServiceDefinition.builder(new BlobService()).build());
		RpcServer server = RpcServer.builder()
			.address(RpcAddress.tcp("127.0.0.1", 0))
			.registry(registry)
			.codec(codec)
			.build();
		server.start();
		AtomicLong peakRss = new AtomicLong();
		AtomicLong peakNettyDirect = new AtomicLong();
		AtomicLong peakJdkDirect = new AtomicLong();
		BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> pool.getName().equals("direct"))
			.findFirst()
			.orElseThrow();
		Thread sampler = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				peakRss.accumulateAndGet(statusKilobytes("VmRSS:"), Math::max);
				peakNettyDirect.accumulateAndGet(PlatformDependent.usedDirectMemory(), Math::max);
				peakJdkDirect.accumulateAndGet(direct.getMemoryUsed(), Math::max);
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "memory-sampler");
		sampler.setDaemon(true);
		sampler.start();
		System.out.println("PORT " + server.port());
		System.out.flush();
		BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
		String line;
		while ((line = control.readLine()) != null) {
			if (line.equals("report")) {
				System.out.println("peak RSS " + mib(peakRss.get() * 1024) + " MiB (VmHWM "
						+ mib(statusKilobytes("VmHWM:") * 1024) + " MiB), peak direct memory: Netty "
						+ mib(peakNettyDirect.get()) + " MiB, JDK buffers " + mib(peakJdkDirect.get()) + " MiB, limit "
						+ mib(PlatformDependent.maxDirectMemory()) + " MiB; connections open "
						+ server.connectionCount());
				System.out.flush();
				break;
			}
		}
		sampler.interrupt();
		server.stop(Duration.ofSeconds(1));
	}

	private static long mib(long bytes) {
		return (bytes < 0) ? -1 : bytes / (1024 * 1024);
	}

	private static long statusKilobytes(String key) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith(key)) {
					return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not on Linux.
		}
		return -1;
	}

	/**
	 * The service of the probe's server.
	 */
	public interface Blobs {

		/**
		 * Return the length of the data.
		 * @param data the data
		 * @return its length
		 */
		int length(byte[] data);

	}

	static final class BlobService implements Blobs {

		@Override
		public int length(byte[] data) {
			return data.length;
		}

	}

}
