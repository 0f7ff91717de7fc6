package io.easyrpc.autoconfigure;

import java.util.Map;

import io.easyrpc.codec.MessagePackMapper;
import io.easyrpc.codec.ObjectCodec;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EasyRpcCodecAutoConfiguration}.
 */
class EasyRpcCodecAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class));

	@Test
	void whenNoUserConfigurationThenCodecWritesJavaPropertyNames() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ObjectCodec.class);
			assertThat(encodeAndReadAsMap(context, new Purchase(7, "Ada Lovelace", new Money(250))))
				.containsEntry("orderId", 7)
				.containsEntry("customerName", "Ada Lovelace")
				.containsEntry("total", Map.of("cents", 250));
		});
	}

	@Test
	void whenJacksonIsAbsentThenCodecUsesJacksonDefaults() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EasyRpcCodecAutoConfiguration.class))
			.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.run((context) -> {
				assertThat(context).hasSingleBean(ObjectCodec.class);
				assertThat(encodeAndReadAsMap(context, new Purchase(7, "Ada", new Money(1)))).containsKey("orderId");
			});
	}

	@Test
	void whenNamingStrategyIsConfiguredThenCodecUsesIt() {
		this.runner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE").run((context) -> {
			Map<String, Object> map = encodeAndReadAsMap(context, new Purchase(7, "Ada Lovelace", new Money(250)));
			assertThat(map).containsEntry("order_id", 7)
				.containsEntry("customer_name", "Ada Lovelace")
				.doesNotContainKey("orderId");
			ObjectCodec codec = context.getBean(ObjectCodec.class);
			assertThat(codec.decode(codec.encode(new Purchase(7, "Ada", new Money(3)), codec.valueType(Purchase.class)),
					codec.valueType(Purchase.class)))
				.isEqualTo(new Purchase(7, "Ada", new Money(3)));
		});
	}

	@Test
	void whenJacksonModuleBeanIsDefinedThenCodecUsesIt() {
		this.runner.withBean("moneyModule", JacksonModule.class, EasyRpcCodecAutoConfigurationTests::moneyModule)
			.run((context) -> assertThat(encodeAndReadAsMap(context, new Purchase(7, "Ada", new Money(250))))
				.containsEntry("total", "2.50 EUR"));
	}

	@Test
	void whenMessagePackMapperCustomizerIsDefinedThenItIsApplied() {
		this.runner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.withBean("kebab", MessagePackMapperCustomizer.class,
					() -> (builder) -> builder.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE))
			.run((context) -> assertThat(encodeAndReadAsMap(context, new Purchase(7, "Ada", new Money(250))))
				.containsEntry("order-id", 7)
				.containsEntry("customer-name", "Ada"));
	}

	@Test
	void whenSeveralCustomizersAreDefinedThenTheyRunInOrder() {
		this.runner
			.withBean("last", OrderedCustomizer.class,
					() -> new LastCustomizer(
							(builder) -> builder.propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)))
			.withBean("first", FirstCustomizer.class,
					() -> new FirstCustomizer(
							(builder) -> builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)))
			.run((context) -> assertThat(encodeAndReadAsMap(context, new Purchase(7, "Ada", new Money(250))))
				.containsEntry("OrderId", 7));
	}

	@Test
	void whenUserDefinesObjectCodecThenItIsUsed() {
		ObjectCodec codec = ObjectCodec.createDefault();
		this.runner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.withBean("myCodec", ObjectCodec.class, () -> codec)
			.run((context) -> {
				assertThat(context).hasSingleBean(ObjectCodec.class);
				assertThat(context.getBean(ObjectCodec.class)).isSameAs(codec);
				assertThat(encodeAndReadAsMap(context, new Purchase(7, "Ada", new Money(250)))).containsKey("orderId");
			});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> encodeAndReadAsMap(AssertableApplicationContext context, Object value) {
		ObjectCodec codec = context.getBean(ObjectCodec.class);
		byte[] bytes = codec.encode(value, codec.valueType(value.getClass()));
		return new MessagePackMapper().readValue(bytes, Map.class);
	}

	private static JacksonModule moneyModule() {
		SimpleModule module = new SimpleModule("money");
		module.addSerializer(Money.class, new ValueSerializer<>() {

			@Override
			public void serialize(Money value, JsonGenerator generator, SerializationContext context) {
				generator.writeString(String.format("%d.%02d EUR", value.cents() / 100, value.cents() % 100));
			}

		});
		return module;
	}

	public record Money(long cents) {
	}

	public record Purchase(int orderId, String customerName, Money total) {
	}

	interface OrderedCustomizer extends MessagePackMapperCustomizer {

	}

	@Order(1)
	record FirstCustomizer(MessagePackMapperCustomizer delegate) implements OrderedCustomizer {

		@Override
		public void customize(MessagePackMapper.Builder builder) {
			this.delegate.customize(builder);
		}

	}

	@Order(2)
	record LastCustomizer(MessagePackMapperCustomizer delegate) implements OrderedCustomizer {

		@Override
		public void customize(MessagePackMapper.Builder builder) {
			this.delegate.customize(builder);
		}

	}

}
