package dev.bulwark.web.internal;

import java.io.IOException;

import dev.bulwark.access.Public;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Errors raised outside controllers (the container, filters) reach {@code /error}: they too answer problem JSON,
 * in place of Spring Boot's default error body.
 */
@Controller
class ProblemErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

    private final ProblemWriter problems;

    ProblemErrorController(ProblemWriter problems) {
        this.problems = problems;
    }

    @RequestMapping("/error")
    @Public
    void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        for (Object e = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION); e instanceof Throwable t; e = t.getCause()) {
            if (t instanceof BodyTooLargeException) {
                status = 413;
                break;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (status >= 500) {
            // Raised outside any controller, so ProblemHandler never saw it; RequestIdFilter runs on this dispatch too,
            // so the line names the request id the problem body shows.
            log.error("Unhandled error outside a controller", request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t ? t : null);
        }
        problems.write(request, response, Problems.forStatus(status));
    }
}
