package io.easyrpc.benchmark.targets;

import java.util.Map;

import io.easyrpc.autoconfigure.EasyRpcServerLifecycle;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The easyrpc server under test, run the way users run it: a Spring Boot application with
 * one {@link io.easyrpc.annotation.RpcService @RpcService} bean, default executor,
 * loopback only, on a free port.
 */
@SpringBootApplication
public class EasyRpcBenchmarkServer {

	/**
	 * Start the server and print {@code READY <port>} once it serves.
	 * @param args Spring Boot command line arguments
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(EasyRpcBenchmarkServer.class);
		application.setBannerMode(Banner.Mode.OFF);
		// the micro measurements bring a servlet container to the class path; this server
		// stays plain TCP
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(
				Map.of("easyrpc.server.host", "127.0.0.1", "easyrpc.server.port", "0", "logging.level.root", "WARN",
						"logging.level.io.easyrpc.server.RpcServer", "INFO", "spring.main.log-startup-info", "false"));
		application.run(args);
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> readySignal(Environment environment) {
		return (event) -> ServerSupport
			.ready(environment.getRequiredProperty(EasyRpcServerLifecycle.LOCAL_PORT_PROPERTY, Integer.class));
	}

}
