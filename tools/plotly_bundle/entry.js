// The workbench's plotly.js: core (scatter, layout, legend, hover, shapes, annotations, colour
// bars…) and the trace kinds its charts draw (workbench.charts.theme.TRACE_TYPES). Built by
// build.sh into workbench/static/plotly-workbench.min.js.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/box'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/scatterpolar'),
    require('plotly.js/lib/waterfall'),
]);

module.exports = Plotly;
