package dev.gatehouse.admin.web;

import dev.gatehouse.admin.common.ForbiddenException;
import dev.gatehouse.admin.common.NotFoundException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.reactive.result.view.Rendering;

/**
 * Error pages for the dashboard's pages. Ordered first so that an API-wide handler, which answers
 * with problem-detail JSON, never answers a browser's page request.
 */
@ControllerAdvice(annotations = PageController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class PageExceptionHandler {

    @ExceptionHandler(NotFoundException.class)
    public Rendering notFound(NotFoundException notFound) {
        return Rendering.view("error/404")
                .modelAttribute("message", notFound.getMessage())
                .status(HttpStatus.NOT_FOUND)
                .build();
    }

    /** The user is signed in but may not do this to this object (see {@code ObjectPermissions}). */
    @ExceptionHandler(ForbiddenException.class)
    public Rendering forbidden(ForbiddenException forbidden) {
        return Rendering.view("error/403")
                .modelAttribute("message", forbidden.getMessage())
                .status(HttpStatus.FORBIDDEN)
                .build();
    }
}
