# Reads an export back with R and writes what R found as one CSV (jsonlite is not among Debian's
# r-cran-haven dependencies, so no JSON): a row per cell, per variable label, per value label and
# per declared missing value. Usage:
#   Rscript readBack.R sav   data.sav out.csv   # haven::read_sav(user_na = TRUE)
#   Rscript readBack.R dta   data.dta out.csv   # haven::read_dta
#   Rscript readBack.R datar data.R   out.csv [object]  # source() of the export's own data.R
args <- commandArgs(trailingOnly = TRUE)
mode <- args[[1]]
input <- args[[2]]
output <- args[[3]]

data <- switch(mode,
  sav = haven::read_sav(input, user_na = TRUE),
  dta = haven::read_dta(input),
  datar = {
    source(input, local = (env <- new.env()))
    # A fourth argument names another table data.R made (data_<panel>).
    env[[if (length(args) >= 4) args[[4]] else "data"]]
  },
  stop("mode must be sav, dta or datar")
)

number <- function(x) sprintf("%.15g", x)

# A value as text: a number, a text, a factor's label, a date-time (ISO 8601 in UTC, to the
# second), ".n" for Stata's tagged NA(n), "NA" for a plain NA, or "NA:<reason>" for an NA of
# data.R, which keeps its reason beside the values.
as_text <- function(x, reason = NULL) {
  if (is.factor(x)) x <- as.character(x)
  if (inherits(x, "POSIXct")) {
    # A date-time as data.csv writes it: ISO 8601 in UTC, to the second; a tagged NA keeps its tag.
    plain <- unclass(x)
    attributes(plain) <- NULL
    tag <- haven::na_tag(plain)
    moment <- format(.POSIXct(floor(plain), tz = "UTC"), "%Y-%m-%dT%H:%M:%SZ", tz = "UTC")
    text <- ifelse(is.na(tag), moment, paste0(".", tag))
    absent <- is.na(plain) & is.na(tag)
  } else if (is.character(x)) {
    # unclass: is.na() of haven's labelled_spss is also TRUE for a declared missing text ("-9").
    text <- as.character(unclass(x))
    absent <- is.na(text)
  } else {
    plain <- unclass(x)
    attributes(plain) <- NULL
    tag <- haven::na_tag(plain)
    text <- ifelse(is.na(tag), number(plain), paste0(".", tag))
    absent <- is.na(plain) & is.na(tag)
  }
  text[absent] <- if (is.null(reason)) "NA" else paste0("NA:", reason[absent])
  text
}

rows <- list()
add <- function(what, variable, row = "", code = "", text = "") {
  rows[[length(rows) + 1]] <<- data.frame(
    what = what, variable = variable, row = row, code = code, text = text,
    stringsAsFactors = FALSE
  )
}

for (name in names(data)) {
  x <- data[[name]]
  add("class", name, text = paste(class(x), collapse = " "))
  label <- attr(x, "label", exact = TRUE)
  add("label", name, text = if (is.null(label)) "" else label)
  add("cell", name, row = seq_along(x), text = as_text(x, attr(x, "missing_reason", exact = TRUE)))
  labels <- attr(x, "labels", exact = TRUE)
  if (length(labels) > 0) add("value_label", name, code = as_text(labels), text = names(labels))
  if (is.factor(x)) add("level", name, row = seq_along(levels(x)), text = levels(x))
  na_values <- attr(x, "na_values", exact = TRUE)
  # A short string declares its missing codes as the texts ("-9") it holds.
  if (length(na_values) > 0) add("na_value", name, code = if (is.character(na_values)) na_values else number(na_values))
  na_range <- attr(x, "na_range", exact = TRUE)
  if (length(na_range) > 0) add("na_range", name, code = paste(number(na_range), collapse = " "))
}

utils::write.csv(do.call(rbind, rows), output, row.names = FALSE, fileEncoding = "UTF-8")
