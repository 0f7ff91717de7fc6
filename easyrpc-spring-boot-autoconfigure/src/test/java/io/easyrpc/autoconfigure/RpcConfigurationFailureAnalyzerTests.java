package io.easyrpc.autoconfigure;

import java.util.Map;

import ch.qos.logback.classic.Level;
import io.easyrpc.annotation.RpcService;
import io.easyrpc.it.ExpectedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin.Location;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Each configuration mistake the starter detects at start-up ends in a failure analysis
 * that names the property (and where its value came from) and says what to change,
 * instead of a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class RpcConfigurationFailureAnalyzerTests {

	// Spring logs each start-up failure these tests provoke; the tests assert the
	// failure.
	@RegisterExtension
	final ExpectedLogs logs = new ExpectedLogs().tolerate(AnnotationConfigApplicationContext.class, Level.WARN,
			"Exception encountered during context initialization");

	private final ApplicationContextRunner serverRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				SslAutoConfiguration.class, EasyRpcServerAutoConfiguration.class))
		.withPropertyValues("easyrpc.server.host=127.0.0.1", "easyrpc.server.port=0");

	private final ApplicationContextRunner clientRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, EasyRpcCodecAutoConfiguration.class,
				SslAutoConfiguration.class, EasyRpcClientAutoConfiguration.class))
		.withUserConfiguration(RpcClientStartupTests.EchoClientConfiguration.class);

	@Test
	void aTargetWithoutAnAddressNamesTheClientAndTheProperty() {
		FailureAnalysis analysis = clientFailure();
		assertThat(analysis.getDescription()).contains(RpcClientStartupTests.EchoClient.class.getName())
			.contains("calls target 'echo', which has no address");
		assertThat(analysis.getAction()).startsWith("Set easyrpc.client.targets.echo.address");
	}

	@Test
	void anAddressWithAWrongSchemeNamesTheProperty() {
		FailureAnalysis analysis = clientFailure("easyrpc.client.targets.echo.address=tpc://localhost:7171");
		assertThat(analysis.getDescription())
			.startsWith("easyrpc.client.targets.echo.address: Unsupported easyrpc address 'tpc://localhost:7171'")
			.contains("the scheme must be");
		assertThat(analysis.getAction()).startsWith("Correct easyrpc.client.targets.echo.address");
	}

	@Test
	void anAddressAndAddressesTogetherAreAConflict() {
		FailureAnalysis analysis = clientFailure("easyrpc.client.targets.echo.address=tcp://localhost:7171",
				"easyrpc.client.targets.echo.addresses=tcp://localhost:7172");
		assertThat(analysis.getDescription())
			.contains("address and easyrpc.client.targets.echo.addresses are both set");
	}

	@Test
	void anAddressGivenTwiceIsADuplicate() {
		FailureAnalysis analysis = clientFailure(
				"easyrpc.client.targets.echo.addresses=tcp://localhost:7171,tcp://localhost:7171");
		assertThat(analysis.getDescription()).contains("easyrpc.client.targets.echo.addresses[1] repeats");
	}

	@Test
	void anUnknownSslBundleListsTheDefinedOnes() {
		FailureAnalysis analysis = serverFailure("easyrpc.server.ssl.bundle=missing");
		assertThat(analysis.getDescription())
			.contains("easyrpc.server.ssl.bundle names SSL bundle 'missing', which is not defined");
		assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.missing");
	}

	@Test
	void anInvalidCidrNamesTheEntry() {
		FailureAnalysis analysis = serverFailure("easyrpc.server.ip.allow=10.0.0.0/8,10.0.0.0/40");
		assertThat(analysis.getDescription()).startsWith("easyrpc.server.ip.allow[1]:").contains("10.0.0.0/40");
	}

	@Test
	void aValueOutOfRangeNamesTheProperty() {
		FailureAnalysis analysis = serverFailure("easyrpc.server.port=70000");
		assertThat(analysis.getDescription()).startsWith("easyrpc.server.port must be between 0 and 65535");
	}

	@Test
	void twoServicesWithOneKeyNameTheBeans() {
		FailureAnalysis analysis = analyze(
				this.serverRunner.withBean("first", FirstEcho.class).withBean("second", SecondEcho.class));
		assertThat(analysis.getDescription()).contains("is served twice");
		assertThat(analysis.getAction()).contains("@RpcService bean");
	}

	@Test
	void theDescriptionSaysWhereTheValueCameFrom() {
		StandardEnvironment environment = new StandardEnvironment();
		String property = "easyrpc.client.targets.echo.address";
		TextResourceOrigin origin = new TextResourceOrigin(new ClassPathResource("application.yml"),
				new Location(9, 17));
		environment.getPropertySources()
			.addFirst(new OriginTrackedMapPropertySource("application.yml",
					Map.of(property, OriginTrackedValue.of("tpc://localhost:7171", origin))));
		FailureAnalysis analysis = new RpcConfigurationFailureAnalyzer(environment)
			.analyze(new RpcConfigurationException(property, property + " is 'tpc://localhost:7171': bad scheme"));
		assertThat(analysis.getDescription())
			.contains("The value of " + property + " comes from class path resource [application.yml] - 10:18");
	}

	@Test
	void aStartUpWithAMistakeShowsTheAnalysisAndNoStackTrace(CapturedOutput output) {
		SpringApplication application = new SpringApplication(MisconfiguredApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--easyrpc.server.port=0",
				"--easyrpc.server.host=127.0.0.1", "--easyrpc.client.targets.echo.address=tpc://localhost:7171",
				"--spring.cloud.zookeeper.enabled=false", "--spring.cloud.discovery.enabled=false",
				"--spring.cloud.service-registry.auto-registration.enabled=false", "--spring.main.banner-mode=off"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("easyrpc.client.targets.echo.address: Unsupported easyrpc address 'tpc://localhost:7171'")
			.contains("comes from \"easyrpc.client.targets.echo.address\" from property source \"commandLineArgs\"")
			.contains("Action:")
			.doesNotContain("Application run failed")
			.doesNotContain("\tat ");
	}

	private FailureAnalysis clientFailure(String... properties) {
		return analyze(this.clientRunner.withPropertyValues(properties));
	}

	private FailureAnalysis serverFailure(String... properties) {
		return analyze(this.serverRunner.withBean(FirstEcho.class).withPropertyValues(properties));
	}

	private static FailureAnalysis analyze(ApplicationContextRunner runner) {
		FailureAnalysis[] analysis = new FailureAnalysis[1];
		runner.run((context) -> {
			assertThat(context).hasFailed();
			analysis[0] = new RpcConfigurationFailureAnalyzer(null).analyze(context.getStartupFailure());
		});
		assertThat(analysis[0]).as("failure analysis").isNotNull();
		assertThat(analysis[0].getAction()).isNotBlank();
		return analysis[0];
	}

	public interface Echo {

		String echo(String text);

	}

	@RpcService(name = "Echo")
	static class FirstEcho implements Echo {

		@Override
		public String echo(String text) {
			return text;
		}

	}

	@RpcService(name = "Echo")
	static class SecondEcho implements Echo {

		@Override
		public String echo(String text) {
			return text + text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class MisconfiguredApplication extends RpcClientStartupTests.EchoClientConfiguration {

	}

}
