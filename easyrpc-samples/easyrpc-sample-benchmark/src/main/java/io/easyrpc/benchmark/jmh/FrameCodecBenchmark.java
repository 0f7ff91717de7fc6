package io.easyrpc.benchmark.jmh;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.easyrpc.benchmark.api.Payload;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.FrameCodec;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.PayloadWriter;
import io.easyrpc.transport.TransportResources;
import io.netty.buffer.ByteBuf;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The frame codec alone: {@link FrameCodec#encodeRequest} of a request whose arguments
 * are already encoded, then {@link FrameCodec#decode} of the frame body, on the pooled
 * heap allocator the transport uses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FrameCodecBenchmark {

	private static final Metadata METADATA = new Metadata(10_000, null, null, Map.of());

	/** Bytes in the payload record's {@code data}. */
	@Param({ "64", "4096" })
	public int size;

	private PayloadWriter arguments;

	/**
	 * Encode the arguments once.
	 */
	@Setup
	public void setup() {
		ObjectCodec codec = ObjectCodec.createDefault();
		byte[] data = new byte[this.size];
		new SplittableRandom(3).nextBytes(data);
		byte[] encoded = codec.encode(new Payload(1, "easyrpc-benchmark", data), codec.valueType(Payload.class));
		this.arguments = (packer) -> {
			packer.packArrayHeader(1);
			packer.writePayload(encoded);
		};
	}

	/**
	 * Encode a request frame and decode it again.
	 * @return values read from the decoded frame
	 * @throws Exception if encoding fails
	 */
	@Benchmark
	public int requestRoundTrip() throws Exception {
		ByteBuf frame = FrameCodec.encodeRequest(TransportResources.ALLOCATOR, 7, "BenchmarkService.echo", METADATA,
				this.arguments);
		try {
			Frame.Request request = (Frame.Request) FrameCodec.decode(frame);
			return request.callId() + request.method().length() + request.payload().readableBytes();
		}
		finally {
			frame.release();
		}
	}

}
