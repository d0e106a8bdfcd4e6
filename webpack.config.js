// Each app is bundled into dist/apps/<app>/main.js; packages from node_modules stay external
// (native bcrypt, PGlite's wasm), so the bundle holds only our own code.
const nodeExternals = require('webpack-node-externals');

module.exports = (options) => ({
  ...options,
  externals: [nodeExternals()],
  devtool: 'source-map',
});
