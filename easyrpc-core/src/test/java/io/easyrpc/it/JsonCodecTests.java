package io.easyrpc.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ch.qos.logback.classic.Level;
import io.easyrpc.RpcException;
import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.codec.JsonObjectCodec;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.server.RpcServer;
import io.easyrpc.transport.RpcAddress;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Clients that announce the JSON codec, over real sockets, against a server that serves
 * MessagePack clients at the same time.
 */
@ExtendWith(LeakDetectionExtension.class)
class JsonCodecTests {

	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs();

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void jsonClientCallsAServerWithUnaryMethods() {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		Shop shop = this.rpc.client(Shop.class, jsonChannel(server));
		assertThat(shop.find("bolt")).isEqualTo(new Item("bolt", 3, List.of("steel")));
		assertThat(shop.find(null)).isNull();
		assertThat(shop.search(Map.of("bolt", 2, "nut", 5))).containsExactly(new Item("bolt", 2, List.of()),
				new Item("nut", 5, List.of()));
		assertThat(shop.reverse(new byte[] { 1, 2, 3 })).containsExactly(3, 2, 1);
		assertThat(shop.total(List.of(new Item("a", 2, null), new Item("b", 40, null)))).isEqualTo(42);
		assertThat(shop.priceAsync("bolt").join()).isEqualTo(1.25);
		shop.touch();
	}

	@Test
	void jsonClientReceivesAServerStream() {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		Shop shop = this.rpc.client(Shop.class, jsonChannel(server));
		assertThat(shop.stream(3).collectList().block(RpcFixture.TIMEOUT)).containsExactly(
				new Item("item-0", 0, List.of()), new Item("item-1", 1, List.of()), new Item("item-2", 2, List.of()));
	}

	@Test
	void errorsReachAJsonClient() {
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Shop.stream threw an unexpected exception");
		this.logs.expect(RpcServer.class, Level.WARN, "easyrpc method Shop.find threw an unexpected exception");
		RpcServer server = this.rpc.tcpServer(new ShopService());
		Shop shop = this.rpc.client(Shop.class, jsonChannel(server));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> shop.find("forbidden"))
			.withMessage("no such item: forbidden");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> shop.stream(-1).blockLast(RpcFixture.TIMEOUT))
			.withMessage("negative count");
	}

	@Test
	void messagePackAndJsonClientsShareOneServer() throws Exception {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		Shop json = this.rpc.client(Shop.class, jsonChannel(server));
		Shop messagePack = this.rpc.client(Shop.class, this.rpc.channel(server));
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<Item>> results = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				Shop client = (i % 2 == 0) ? json : messagePack;
				String name = "item" + i;
				results.add(executor.submit(() -> client.find(name)));
			}
			for (int i = 0; i < results.size(); i++) {
				assertThat(results.get(i).get()).isEqualTo(new Item("item" + i, 3, List.of("steel")));
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(server.connectionCount()).isEqualTo(2);
		assertThat(messagePack.stream(2).count().block(RpcFixture.TIMEOUT)).isEqualTo(2);
		assertThat(json.stream(2).count().block(RpcFixture.TIMEOUT)).isEqualTo(2);
	}

	@Test
	void serverThatRefusesJsonFailsTheJsonClientAndServesMessagePack() {
		RpcServer server = this.rpc.server(RpcAddress.tcp("127.0.0.1", 0), (builder) -> builder.jsonEnabled(false),
				RpcFixture.definitions(new ShopService()));
		assertThat(server.jsonCodec()).isNull();
		Shop json = this.rpc.client(Shop.class, jsonChannel(server));
		assertThatExceptionOfType(RpcException.class).isThrownBy(() -> json.find("bolt"))
			.withMessageContaining("does not accept the JSON codec");
		Shop messagePack = this.rpc.client(Shop.class, this.rpc.channel(server));
		assertThat(messagePack.find("bolt").name()).isEqualTo("bolt");
	}

	@Test
	void jsonFrameWrittenByHandIsAnsweredInJson() throws IOException {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		try (RawConnection raw = new RawConnection(server.port())) {
			// The preface with codec 1 (JSON) in bits 4 to 7 of the flags.
			raw.send(HexFormat.of().parseHex("4552504301" + "10" + "00100000"));
			Preface preface = raw.readPreface();
			assertThat(preface.acceptsJson()).isTrue();
			// [1, 1, "Shop.find", nil, bin([str "\"bolt\""])]
			raw.send(HexFormat.of()
				.parseHex("00000018" + "95" + "01" + "01" + "a9" + hex("Shop.find") + "c0" + "c408" + "91" + "a6"
						+ hex("\"bolt\"")));
			Frame.Response response = (Frame.Response) raw.readFrame();
			assertThat(response.callId()).isEqualTo(1);
			assertThat(jsonText(ByteBufUtil.getBytes(response.payload())))
				.isEqualTo("{\"name\":\"bolt\",\"quantity\":3,\"tags\":[\"steel\"]}");
			// A JSON text that does not fit the parameter type is the call's error.
			raw.send(HexFormat.of()
				.parseHex("00000016" + "95" + "01" + "02" + "a9" + hex("Shop.find") + "c0" + "c406" + "91" + "a4"
						+ hex("[42]")));
			Frame.Error error = (Frame.Error) raw.readFrame();
			assertThat(error.callId()).isEqualTo(2);
			assertThat(error.statusCode()).isEqualTo(RpcStatus.INVALID_ARGUMENT.code());
			assertThat(error.message()).contains("Cannot decode JSON text as java.lang.String");
		}
	}

	@Test
	void unknownCodecInThePrefaceIsRefused() throws IOException {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.send(HexFormat.of().parseHex("4552504301" + "f0" + "00100000"));
			raw.readPreface();
			Frame.GoAway goAway = (Frame.GoAway) raw.readFrame();
			assertThat(goAway.statusCode()).isEqualTo(RpcStatus.INVALID_ARGUMENT.code());
			assertThat(goAway.message()).contains("Unknown payload codec 15");
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	private RpcChannel jsonChannel(RpcServer server) {
		return this.rpc.channel(RpcFixture.address(server),
				(builder) -> builder.codec(JsonObjectCodec.createDefault()));
	}

	private static String hex(String text) {
		return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String jsonText(byte[] payload) throws IOException {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(payload)) {
			String text = unpacker.unpackString();
			assertThat(unpacker.hasNext()).isFalse();
			return text;
		}
	}

	public record Item(String name, int quantity, List<String> tags) {
	}

	public interface Shop {

		Item find(String name);

		List<Item> search(Map<String, Integer> quantities);

		byte[] reverse(byte[] data);

		int total(List<Item> items);

		CompletableFuture<Double> priceAsync(String name);

		void touch();

		Flux<Item> stream(int count);

	}

	static class ShopService implements Shop {

		@Override
		public Item find(String name) {
			if (name == null) {
				return null;
			}
			if (name.equals("forbidden")) {
				throw new IllegalArgumentException("no such item: " + name);
			}
			return new Item(name, 3, List.of("steel"));
		}

		@Override
		public List<Item> search(Map<String, Integer> quantities) {
			return quantities.entrySet()
				.stream()
				.sorted(Map.Entry.comparingByKey())
				.map((entry) -> new Item(entry.getKey(), entry.getValue(), List.of()))
				.toList();
		}

		@Override
		public byte[] reverse(byte[] data) {
			byte[] reversed = new byte[data.length];
			for (int i = 0; i < data.length; i++) {
				reversed[i] = data[data.length - 1 - i];
			}
			return reversed;
		}

		@Override
		public int total(List<Item> items) {
			return items.stream().mapToInt(Item::quantity).sum();
		}

		@Override
		public CompletableFuture<Double> priceAsync(String name) {
			return CompletableFuture.completedFuture(1.25);
		}

		@Override
		public void touch() {
		}

		@Override
		public Flux<Item> stream(int count) {
			if (count < 0) {
				return Flux.error(new IllegalStateException("negative count"));
			}
			return Flux.range(0, count).map((i) -> new Item("item-" + i, i, List.of()));
		}

	}

}
