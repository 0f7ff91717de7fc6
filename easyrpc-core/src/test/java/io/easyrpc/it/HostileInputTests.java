package io.easyrpc.it;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.easyrpc.RpcStatus;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.internal.protocol.Frame;
import io.easyrpc.internal.protocol.Metadata;
import io.easyrpc.internal.protocol.Preface;
import io.easyrpc.server.RpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Garbage and protocol violations on one connection close that connection, or fail that
 * call, and never disturb the other clients of the server.
 */
@ExtendWith(LeakDetectionExtension.class)
class HostileInputTests {

	private final RpcFixture rpc = new RpcFixture();

	@AfterEach
	void close() {
		this.rpc.close();
	}

	@Test
	void randomBytesCloseTheirConnectionWhileAnotherClientKeepsGettingAnswers() throws Exception {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		RpcChannel channel = this.rpc.channel(server);
		Shop shop = this.rpc.client(Shop.class, channel);
		assertThat(shop.price("tea", 2)).isEqualTo(6);

		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger answered = new AtomicInteger();
		CompletableFuture<Void> background = CompletableFuture.runAsync(() -> {
			while (running.get()) {
				assertThat(shop.price("tea", 3)).isEqualTo(9);
				answered.incrementAndGet();
			}
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> answered.get() > 0);
		byte[] garbage = new byte[64 * 1024];
		new Random(7).nextBytes(garbage);
		assertThat(garbage[0]).isNotEqualTo((byte) 'E');
		try (RawConnection raw = new RawConnection(server.port())) {
			try {
				raw.send(garbage);
			}
			catch (java.io.IOException ex) {
				// the server may close the connection before all of it is written
			}
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
		int answeredBefore = answered.get();
		await().atMost(Duration.ofSeconds(5)).until(() -> answered.get() > answeredBefore + 10);
		running.set(false);
		background.get(5, TimeUnit.SECONDS);
		assertThat(shop.price("tea", 1)).isEqualTo(3);
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void malformedFrameAfterAValidPrefaceIsAnsweredWithGoAwayAndClose() throws Exception {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024);
			raw.readPreface();
			raw.send(new byte[] { 0, 0, 0, 3, (byte) 0x93, (byte) 0xc1, 0x01 });
			assertThat(raw.readFrame()).isInstanceOfSatisfying(Frame.GoAway.class,
					(goAway) -> assertThat(goAway.statusCode()).isEqualTo(RpcStatus.INVALID_ARGUMENT.code()));
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	@Test
	void unsupportedProtocolVersionIsRefused() throws Exception {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		try (RawConnection raw = new RawConnection(server.port())) {
			io.netty.buffer.ByteBuf preface = io.netty.buffer.Unpooled.buffer();
			new Preface(Preface.CURRENT_VERSION + 1, 0, 1024).writeTo(preface);
			raw.send(io.netty.buffer.ByteBufUtil.getBytes(preface));
			raw.readPreface();
			assertThat(raw.readFrame()).isInstanceOfSatisfying(Frame.GoAway.class,
					(goAway) -> assertThat(goAway.message()).contains("version"));
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	@Test
	void randomArgumentBytesInAWellFormedFrameFailThatCallOnly() throws Exception {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		Random random = new Random(11);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			for (int callId = 1; callId <= 500; callId++) {
				byte[] payload = new byte[random.nextInt(40)];
				random.nextBytes(payload);
				String method = (callId % 2 == 0) ? "Shop.price" : "Shop.order";
				raw.sendRequest(callId, method, Metadata.EMPTY, (packer) -> packer.writePayload(payload));
				Frame frame = raw.readFrame();
				int expectedId = callId;
				if (frame instanceof Frame.Error error) {
					assertThat(error.callId()).isEqualTo(expectedId);
					assertThat(RpcStatus.fromCode(error.statusCode())).as("status of call %d", callId)
						.isIn(RpcStatus.INVALID_ARGUMENT, RpcStatus.APPLICATION_ERROR);
				}
				else {
					assertThat(frame).isInstanceOfSatisfying(Frame.Response.class,
							(response) -> assertThat(response.callId()).isEqualTo(expectedId));
				}
			}
			raw.sendPing(99);
			assertThat(raw.readFrame()).isEqualTo(new Frame.Pong(99));
		}
	}

	@Test
	void mutatedArgumentsFailThatCallOnly() throws Exception {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		byte[] valid = validOrderArguments();
		Random random = new Random(13);
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024 * 1024);
			raw.readPreface();
			for (int callId = 1; callId <= 1000; callId++) {
				byte[] payload = valid.clone();
				for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
					payload[random.nextInt(payload.length)] = (byte) random.nextInt(256);
				}
				raw.sendRequest(callId, "Shop.order", Metadata.EMPTY, (packer) -> packer.writePayload(payload));
				Frame frame = raw.readFrame();
				if (frame instanceof Frame.Error error) {
					assertThat(error.callId()).isEqualTo(callId);
					assertThat(RpcStatus.fromCode(error.statusCode())).as("status of call %d", callId)
						.isEqualTo(RpcStatus.INVALID_ARGUMENT);
				}
				else {
					assertThat(frame).isInstanceOf(Frame.Response.class);
					assertThat(((Frame.Response) frame).callId()).isEqualTo(callId);
				}
			}
			raw.sendPing(98);
			assertThat(raw.readFrame()).isEqualTo(new Frame.Pong(98));
		}
	}

	private static byte[] validOrderArguments() throws java.io.IOException {
		org.msgpack.core.MessageBufferPacker packer = org.msgpack.core.MessagePack.newDefaultBufferPacker();
		packer.packArrayHeader(1);
		RpcFixture.CODEC.write(packer, new Order("tea", 2, java.util.List.of("green", "no sugar")),
				RpcFixture.CODEC.valueType(Order.class));
		packer.close();
		return packer.toByteArray();
	}

	@Test
	void frameHeaderAnnouncingOneGibibyteIsRefusedWithResourceExhausted() throws Exception {
		RpcServer server = this.rpc.tcpServer(new ShopService());
		try (RawConnection raw = new RawConnection(server.port())) {
			raw.sendPreface(1024);
			assertThat(raw.readPreface().maxFrameSize()).isEqualTo(8 * 1024 * 1024);
			raw.send(new byte[] { 0x40, 0, 0, 0, 1, 2, 3 });
			assertThat(raw.readFrame()).isInstanceOfSatisfying(Frame.GoAway.class, (goAway) -> {
				assertThat(goAway.statusCode()).isEqualTo(RpcStatus.RESOURCE_EXHAUSTED.code());
				assertThat(goAway.message()).contains("1073741824");
			});
			assertThat(raw.awaitClosedByServer()).isTrue();
		}
	}

	public interface Shop {

		int price(String item, int quantity);

		String order(Order order);

	}

	public record Order(String item, int quantity, java.util.List<String> notes) {
	}

	static class ShopService implements Shop {

		@Override
		public int price(String item, int quantity) {
			return 3 * quantity;
		}

		@Override
		public String order(Order order) {
			return (order != null) ? order.item() : "none";
		}

	}

}
