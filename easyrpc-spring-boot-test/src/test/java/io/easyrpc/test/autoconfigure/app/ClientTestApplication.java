package io.easyrpc.test.autoconfigure.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the slice tests find: two clients, a service and a component.
 */
@SpringBootApplication
public class ClientTestApplication {

}
