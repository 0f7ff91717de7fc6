package io.easyrpc.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.core.annotation.AliasFor;
import org.springframework.core.env.Environment;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A test slice for code that calls easyrpc servers through {@code @RpcClient} interfaces,
 * like Spring Boot's {@code @RestClientTest}: full auto-configuration is off, only the
 * easyrpc client auto-configuration (with Jackson and the codec) applies, and only the
 * named {@code @RpcClient} interfaces (all of the application's when none is named)
 * become proxy beans, plus the components {@link #includeFilters()} name. No
 * {@code @RpcService} is registered and no server listens on a port.
 * <p>
 * Every proxy calls a {@link MockRpcServer} bean, a real easyrpc server on an in-process
 * address, whatever the client's target or URL says: inject it, declare the expected
 * calls and their answers, and verify. The slice resets it after each test method.
 *
 * <pre class="code">
 * &#64;RpcClientTest(InventoryClient.class)
 * class InventoryClientTests {
 *
 *     &#64;Autowired
 *     InventoryClient inventory;
 *
 *     &#64;Autowired
 *     MockRpcServer server;
 *
 *     &#64;Test
 *     void findsItem() {
 *         this.server.expect("Inventory.find").withArguments("BK-1").andRespond(item);
 *         assertThat(this.inventory.find("BK-1")).contains(item);
 *         this.server.verify();
 *     }
 *
 * }
 * </pre>
 *
 * Code under test that is not a client (a class that uses the client) is added with
 * {@link org.springframework.context.annotation.Import @Import} or
 * {@link #includeFilters()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(RpcClientTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(RpcClientTypeExcludeFilter.class)
@AutoConfigureRpcClient
@AutoConfigureMockRpcServer
@ImportAutoConfiguration
public @interface RpcClientTest {

	/**
	 * Properties in form {@literal key=value} added to the {@link Environment} before the
	 * test runs.
	 * @return the properties to add
	 */
	String[] properties() default {};

	/**
	 * The {@code @RpcClient} interfaces to register, an alias of {@link #clients()}.
	 * @return the client interfaces
	 */
	@AliasFor("clients")
	Class<?>[] value() default {};

	/**
	 * The {@code @RpcClient} interfaces to register; when empty, every {@code @RpcClient}
	 * interface of the application's packages is registered. Interfaces outside those
	 * packages are registered too when named here.
	 * @return the client interfaces
	 */
	@AliasFor("value")
	Class<?>[] clients() default {};

	/**
	 * Whether the default filters apply: with them, the named clients (or every
	 * {@code @RpcClient} interface) pass the component scan and nothing else does.
	 * @return whether to use the default filters
	 */
	boolean useDefaultFilters() default true;

	/**
	 * Filters that add components found by the component scan to the context.
	 * @return the include filters
	 */
	Filter[] includeFilters() default {};

	/**
	 * Filters that leave components out of the context.
	 * @return the exclude filters
	 */
	Filter[] excludeFilters() default {};

	/**
	 * Auto-configuration classes to exclude from the slice.
	 * @return the auto-configuration classes to exclude
	 */
	@AliasFor(annotation = ImportAutoConfiguration.class, attribute = "exclude")
	Class<?>[] excludeAutoConfiguration() default {};

}
