package io.easyrpc.test.autoconfigure;

import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Resets every {@link MockRpcServer} bean of the test's context after each test method,
 * so that one test's expectations and calls never reach the next.
 */
class MockRpcServerResetTestExecutionListener implements TestExecutionListener, Ordered {

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 100;
	}

	@Override
	public void afterTestMethod(TestContext testContext) {
		if (!testContext.hasApplicationContext()) {
			return;
		}
		ApplicationContext context = testContext.getApplicationContext();
		for (String name : context.getBeanNamesForType(MockRpcServer.class, false, false)) {
			context.getBean(name, MockRpcServer.class).reset();
		}
	}

}
