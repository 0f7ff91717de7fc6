package io.easyrpc.codec;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.easyrpc.codec.CodecFixtures.Catalog;
import io.easyrpc.codec.CodecFixtures.Color;
import io.easyrpc.codec.CodecFixtures.Item;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import tools.jackson.core.type.TypeReference;

import static io.easyrpc.codec.CodecFixtures.typeOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One {@link ObjectCodec} shared by many threads, as event loops and workers share it.
 */
class ObjectCodecConcurrencyTests {

	private static final int THREADS = 8;

	private static final int ITERATIONS = 10_000;

	@Test
	void sharedCodecEncodesAndDecodesCorrectlyFromManyThreads() throws Exception {
		ObjectCodec codec = ObjectCodec.createDefault();
		Type listType = typeOf(new TypeReference<List<Item>>() {
		});
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int thread = 0; thread < THREADS; thread++) {
				int id = thread;
				Callable<Integer> task = () -> {
					MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
					int checked = 0;
					for (int i = 0; i < ITERATIONS; i++) {
						Item item = new Item("t" + id + "-" + i, i, Color.values()[i % 3], List.of("x".repeat(i % 40)));
						Catalog catalog = new Catalog("c" + id, List.of(item, item), Map.of(item.name(), item));
						List<Item> items = Collections.nCopies(i % 20, item);
						String text = "thread " + id + " iteration " + i;
						assertThat(codec.decode(codec.encode(catalog, codec.valueType(Catalog.class)),
								codec.valueType(Catalog.class)))
							.isEqualTo(catalog);
						assertThat(codec.decode(codec.encode(text, codec.valueType(String.class)),
								codec.valueType(String.class)))
							.isEqualTo(text);
						packer.clear();
						codec.write(packer, items, codec.valueType(listType));
						codec.write(packer, (long) id * ITERATIONS + i, codec.valueType(long.class));
						codec.write(packer, item, codec.valueType(Object.class));
						MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(packer.toByteArray());
						assertThat(codec.read(unpacker, codec.valueType(listType))).isEqualTo(items);
						assertThat(codec.read(unpacker, codec.valueType(long.class)))
							.isEqualTo((long) id * ITERATIONS + i);
						assertThat(codec.read(unpacker, codec.valueType(Item.class))).isEqualTo(item);
						checked++;
					}
					return checked;
				};
				results.add(executor.submit(task));
			}
			for (Future<Integer> result : results) {
				assertThat(result.get()).isEqualTo(ITERATIONS);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

}
