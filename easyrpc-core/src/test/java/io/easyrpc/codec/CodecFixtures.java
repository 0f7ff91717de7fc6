package io.easyrpc.codec;

import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import tools.jackson.core.type.TypeReference;

/**
 * Types and helpers shared by the codec tests.
 */
final class CodecFixtures {

	private CodecFixtures() {
	}

	static Type typeOf(TypeReference<?> reference) {
		return reference.getType();
	}

	/**
	 * Decode with msgpack-core's own value model and pack the result again with
	 * msgpack-core: equal bytes prove the encoding is the canonical one.
	 */
	static byte[] repackWithMsgpackCore(byte[] bytes) throws IOException {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
			var packer = MessagePack.newDefaultBufferPacker();
			packer.packValue(unpacker.unpackValue());
			return packer.toByteArray();
		}
	}

	enum Color {

		RED, GREEN, BLUE

	}

	record Item(String name, int quantity, Color color, List<String> tags) {
	}

	record Catalog(String title, List<Item> items, Map<String, Item> index) {
	}

	record Times(Instant instant, LocalDate date, Duration duration, OffsetDateTime offset) {
	}

	record Amounts(BigDecimal price, java.math.BigInteger count, Optional<String> note) {
	}

	record Blob(String name, byte[] data) {

		@Override
		public boolean equals(Object other) {
			return other instanceof Blob that && Objects.equals(this.name, that.name)
					&& java.util.Arrays.equals(this.data, that.data);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.name, java.util.Arrays.hashCode(this.data));
		}

	}

	record Wide(int f01, int f02, int f03, int f04, int f05, int f06, int f07, int f08, int f09, int f10, int f11,
			int f12, int f13, int f14, int f15, int f16, int f17) {
	}

	record Small(byte tiny, short little) {
	}

	/**
	 * A classic bean with getters and setters.
	 */
	static class Customer {

		private String firstName;

		private int age;

		private List<Item> orders;

		public String getFirstName() {
			return this.firstName;
		}

		public void setFirstName(String firstName) {
			this.firstName = firstName;
		}

		public int getAge() {
			return this.age;
		}

		public void setAge(int age) {
			this.age = age;
		}

		public List<Item> getOrders() {
			return this.orders;
		}

		public void setOrders(List<Item> orders) {
			this.orders = orders;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Customer that && Objects.equals(this.firstName, that.firstName)
					&& this.age == that.age && Objects.equals(this.orders, that.orders);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.firstName, this.age, this.orders);
		}

	}

}
