package io.easyrpc.sample.clientapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the sample client: a REST API on port 8080 backed by the remote inventory.
 */
@SpringBootApplication
public class SampleClientApplication {

	/**
	 * Run the client.
	 * @param args command line arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleClientApplication.class, args);
	}

}
