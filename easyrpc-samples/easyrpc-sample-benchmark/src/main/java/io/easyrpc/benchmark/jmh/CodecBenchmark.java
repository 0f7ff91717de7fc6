package io.easyrpc.benchmark.jmh;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.easyrpc.benchmark.api.Payload;
import io.easyrpc.codec.JsonObjectCodec;
import io.easyrpc.codec.ObjectCodec;
import io.easyrpc.codec.ValueType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encode plus decode of the same objects with easyrpc's MessagePack {@link ObjectCodec},
 * its {@link JsonObjectCodec} (JSON text in a MessagePack str) and plain Jackson JSON:
 * the benchmark record ({@code long}, short string, 64 bytes) and a nested {@link Batch}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CodecBenchmark {

	private final ObjectCodec codec = ObjectCodec.createDefault();

	private final JsonMapper json = JsonMapper.builder().build();

	private final JsonObjectCodec jsonCodec = JsonObjectCodec.createDefault();

	private ValueType payloadType;

	private ValueType batchType;

	private Payload payload;

	private Batch batch;

	/**
	 * Build the objects and resolve their types once.
	 */
	@Setup
	public void setup() {
		SplittableRandom random = new SplittableRandom(7);
		this.payload = payload(random, 1);
		List<Payload> records = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			records.add(payload(random, i));
		}
		Map<String, String> labels = new LinkedHashMap<>();
		for (int i = 0; i < 5; i++) {
			labels.put("label-" + i, "value-" + i);
		}
		this.batch = new Batch("nightly-batch", 1_795_000_000_000L, records, labels);
		this.payloadType = this.codec.valueType(Payload.class);
		this.batchType = this.codec.valueType(Batch.class);
	}

	private static Payload payload(SplittableRandom random, long id) {
		byte[] data = new byte[64];
		random.nextBytes(data);
		return new Payload(id, "easyrpc-benchmark", data);
	}

	/**
	 * MessagePack round trip of the record.
	 * @return the decoded record
	 */
	@Benchmark
	public Object payloadMessagePack() {
		return this.codec.decode(this.codec.encode(this.payload, this.payloadType), this.payloadType);
	}

	/**
	 * JSON round trip of the record.
	 * @return the decoded record
	 */
	@Benchmark
	public Object payloadJson() {
		return this.json.readValue(this.json.writeValueAsBytes(this.payload), Payload.class);
	}

	/**
	 * Round trip of the record through the JSON codec, with the MessagePack codec's type
	 * as a server passes it.
	 * @return the decoded record
	 */
	@Benchmark
	public Object payloadJsonCodec() {
		return this.jsonCodec.decode(this.jsonCodec.encode(this.payload, this.payloadType), this.payloadType);
	}

	/**
	 * MessagePack round trip of the nested object.
	 * @return the decoded object
	 */
	@Benchmark
	public Object batchMessagePack() {
		return this.codec.decode(this.codec.encode(this.batch, this.batchType), this.batchType);
	}

	/**
	 * Round trip of the nested object through the JSON codec.
	 * @return the decoded object
	 */
	@Benchmark
	public Object batchJsonCodec() {
		return this.jsonCodec.decode(this.jsonCodec.encode(this.batch, this.batchType), this.batchType);
	}

	/**
	 * JSON round trip of the nested object.
	 * @return the decoded object
	 */
	@Benchmark
	public Object batchJson() {
		return this.json.readValue(this.json.writeValueAsBytes(this.batch), Batch.class);
	}

}
